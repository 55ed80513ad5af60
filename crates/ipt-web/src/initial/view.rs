//! What every initial-phase page shares: loading the course with its access check, the page
//! header (patient, course, the initial sections, open-alert banner, read-only note) and the
//! notices a redirect after a save may ask for.

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::access::Access;
use ipt_app::ports::AlertFilter;
use ipt_app::{AppError, CourseView};
use ipt_domain::course::Course;
use ipt_domain::ids::CourseId;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Lang, Tr};
use crate::kit::{PageCtx, PageError, ctx, fail, format_label, status_label};

/// The header of an initial-phase page.
pub struct Head {
    pub course_id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub course_title: String,
    pub status: String,
    /// (link, label, is this page).
    pub sections: Vec<(String, String, bool)>,
    /// The user may change this course (its clinician); others read only.
    pub can_edit: bool,
    pub open_alert: bool,
    /// A notice after a save, with an optional link (href, text).
    pub notice: Option<String>,
    pub notice_link: Option<(String, String)>,
}

/// The sections of the initial phase, in the order the work usually goes.
pub const SECTIONS: [(&str, &str); 7] = [
    ("indication", "section-indication"),
    ("measures", "section-measures"),
    ("inventory", "section-inventory"),
    ("timeline", "section-timeline"),
    ("suggestions", "section-suggestions"),
    ("formulation", "section-formulation"),
    ("contract", "section-contract"),
];

/// Notices a redirect may ask for (`?saved=…`); only these keys are accepted.
const NOTICES: [&str; 16] = [
    "indication",
    "diagnosis",
    "measure-final",
    "measure-draft",
    "measure-risk",
    "person-added",
    "person-saved",
    "person-removed",
    "event-added",
    "event-saved",
    "event-removed",
    "episode-added",
    "episode-saved",
    "focus",
    "formulation",
    "contract",
];

pub fn parse_course(id: &str) -> Result<CourseId, AppError> {
    id.parse::<CourseId>()
        .map_err(|_| AppError::NotFound("course"))
}

/// The page context for an initial-phase page.
pub fn page_ctx(headers: &HeaderMap, user: &CurrentUser, title_key: &str, path: &str) -> PageCtx {
    ctx(headers, Some(user), title_key, path)
}

/// Load the whole course for reading (the patient's clinician and their supervisor), and build
/// the header. A course the user may not read answers like a missing one.
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    t: &Tr,
    id: &str,
    section: &str,
) -> Result<(CourseView, Head), AppError> {
    let id = parse_course(id)?;
    let actor = user.actor();
    let view = state.app.course_view(&actor, id).await?;
    let can_edit = state
        .app
        .check_patient(&actor, &view.patient, Access::Write)
        .await
        .is_ok();
    let open_alert = state
        .app
        .alerts(
            &actor,
            AlertFilter {
                patient: Some(view.patient.id),
                open_only: true,
                ..Default::default()
            },
        )
        .await
        .map(|a| !a.is_empty())
        .unwrap_or(false);
    let c = &view.course;
    let head = Head {
        course_id: c.id.to_string(),
        patient_id: view.patient.id.to_string(),
        patient_name: view.patient.name.as_str().to_string(),
        course_title: t.with(
            "course-title",
            &[
                ("format", format_label(t, c.format)),
                ("patient", view.patient.name.as_str().to_string()),
            ],
        ),
        status: status_label(t, &c.status),
        sections: SECTIONS
            .iter()
            .map(|(path, key)| {
                (
                    format!("/courses/{}/{path}", c.id),
                    t.get(key),
                    *path == section,
                )
            })
            .collect(),
        can_edit,
        open_alert,
        notice: None,
        notice_link: None,
    };
    Ok((view, head))
}

/// Load for a page handler: errors become the error page.
pub async fn load_page(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    section: &str,
    q: &HashMap<String, String>,
) -> Result<(PageCtx, CourseView, Head), PageError> {
    let t = page.t;
    match load(state, user, &t, id, section).await {
        Ok((view, mut head)) => {
            if let Some(key) = q.get("saved").filter(|k| NOTICES.contains(&k.as_str())) {
                head.notice = Some(t.get(&format!("initial-saved-{key}")));
                if key == "measure-risk" {
                    head.notice_link = Some((
                        format!("/patients/{}#alerts", head.patient_id),
                        t.get("initial-measure-risk-link"),
                    ));
                }
            }
            Ok((page, view, head))
        }
        Err(e) => Err(fail(page)(e)),
    }
}

/// The course, for a change: only its clinician gets past this (others see "not found"), and
/// it runs before any input is checked, so errors never reveal that a course exists.
pub async fn write_access(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Course, AppError> {
    let id = parse_course(id)?;
    state
        .app
        .course_with(&user.actor(), id, Access::Write)
        .await
}

/// The course, read once with the right to change it, for a use case that takes it.
pub async fn writable(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<ipt_app::access::WritableCourse, AppError> {
    let id = parse_course(id)?;
    state.app.writable_course(&user.actor(), id).await
}

/// After a save: back to the page with a notice.
pub fn saved(course: &str, path: &str, notice: &str) -> Response {
    Redirect::to(&format!("/courses/{course}/{path}?saved={notice}")).into_response()
}

/// A form refused for its input.
pub const REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
/// A stale save: someone changed the record since the form was opened.
pub const STALE: StatusCode = StatusCode::CONFLICT;

/// A page shown again after a refused post, with its status; or the error page.
pub fn respond<P: IntoResponse>(r: Result<P, PageError>, status: StatusCode) -> Response {
    match r {
        Ok(p) => (status, p).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The translator for the patient's language, for text written to the patient.
pub fn patient_tr(lang: ipt_domain::patient::Language) -> Tr {
    Tr::new(Lang::parse(lang.code()).unwrap_or_default())
}

/// A month and year in words ("March 2026", "marzo 2026").
pub fn month_name(t: &Tr, month: time::Month) -> String {
    t.get(&format!("initial-month-{}", month as u8))
}

/// An approximate date in words, in the reader's language.
pub fn approx_human(t: &Tr, d: &ipt_domain::approx_date::ApproxDate) -> String {
    use ipt_domain::approx_date::ApproxDate;
    match *d {
        ApproxDate::Year(y) => y.to_string(),
        ApproxDate::Month(y, m) => format!("{} {y}", month_name(t, m)),
        ApproxDate::Day(day) => t.date(day),
    }
}
