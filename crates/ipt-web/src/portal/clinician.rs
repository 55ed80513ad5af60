//! `/courses/{id}/portal`: the clinician's side of the patient portal, in the course workspace.
//! Invitations (a link shown once, to copy or print, with its expiry; revocable), the
//! questionnaires assigned for the portal (only those the patient can be offered; the others
//! are listed with the reason), and kiosk mode for handing a clinic device to the patient.
//!
//! Access is the course's: its clinician changes, a supervisor reads, anyone else gets 404.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_app::access::Access;
use ipt_app::ports::AlertFilter;
use ipt_app::usecases::portal_access::AssignError;
use ipt_domain::course::Course;
use ipt_domain::ids::{AssignmentId, CourseId, InvitationId};
use ipt_domain::measures::{Catalogue, Unavailable};
use ipt_domain::patient::Patient;
use ipt_domain::portal::{Invitation, InvitationState, Schedule};
use serde::Deserialize;

use super::portal_cookie;
use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, ctx, fail, format_label};

pub struct InvitationRow {
    pub created: String,
    pub expires: String,
    pub state: String,
    pub open: bool,
    /// Form action to revoke it, when it is open.
    pub revoke: String,
}

pub struct AssignmentRow {
    pub name: String,
    pub schedule: String,
    pub assigned: String,
    pub status: String,
    pub active: bool,
    /// Active, but the patient cannot be given it (no text in the record's language): why.
    pub undeliverable: Option<String>,
    pub stop: String,
    pub version: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/clinician.html")]
pub struct ClinicianPage {
    pub page: PageCtx,
    pub course_id: String,
    pub patient_link: String,
    pub patient_name: String,
    pub course_title: String,
    pub can_edit: bool,
    pub open_alert: bool,
    pub access_status: String,
    /// The new invitation link, shown once: (link, expiry).
    pub new_link: Option<(String, String)>,
    pub hours: String,
    pub hours_min: i64,
    pub hours_max: i64,
    pub hours_error: Option<String>,
    pub invitations: Vec<InvitationRow>,
    pub assignments: Vec<AssignmentRow>,
    /// (code, label) of the questionnaires that can be sent.
    pub offerable: Vec<(String, String)>,
    /// (name, reason) of those that cannot.
    pub not_offered: Vec<(String, String)>,
    pub schedules: Vec<(String, String)>,
    pub assign_error: Option<String>,
    pub message: Option<String>,
}

/// What a post adds to the page it shows again.
#[derive(Default)]
struct Extras {
    new_link: Option<(String, String)>,
    hours: Option<String>,
    hours_error: Option<String>,
    assign_error: Option<String>,
    message: Option<String>,
}

const NOTICES: [&str; 3] = ["revoked", "assigned", "stopped"];

fn page_path(id: &str) -> String {
    format!("/courses/{id}/portal")
}

fn parse_course(id: &str) -> Result<CourseId, AppError> {
    id.parse().map_err(|_| AppError::NotFound("course"))
}

/// An instant as the clinician reads it: date and time (UTC).
fn when(t: &Tr, at: time::OffsetDateTime) -> String {
    t.with(
        "portal-clinician-when",
        &[
            ("date", t.date(at.date())),
            ("time", format!("{:02}:{:02}", at.hour(), at.minute())),
        ],
    )
}

/// Why an instrument cannot be sent, in the clinician's language.
pub fn refusal(t: &Tr, e: &AssignError) -> String {
    match e {
        AssignError::UnknownInstrument(_) => t.get("portal-clinician-unknown-instrument"),
        AssignError::NotAQuestionnaire(name) => t.with(
            "portal-clinician-not-questionnaire",
            &[("name", name.clone())],
        ),
        AssignError::NotOffered(Unavailable::ClinicianOnly { name, .. }) => {
            t.with("portal-clinician-clinician-only", &[("name", name.clone())])
        }
        AssignError::NotOffered(Unavailable::NoText {
            name,
            instrument,
            language,
        }) => t.with(
            "portal-clinician-no-text",
            &[
                ("name", name.clone()),
                ("language", t.get(&format!("language-{language}"))),
                ("file", format!("{instrument}.{language}.toml")),
            ],
        ),
        AssignError::AlreadyAssigned(name) => t.with(
            "portal-clinician-already-assigned",
            &[("name", name.clone())],
        ),
        AssignError::App(e) => e.to_string(),
    }
}

fn invitation_row(t: &Tr, course: &str, inv: &Invitation, state: InvitationState) -> InvitationRow {
    InvitationRow {
        created: when(t, inv.created_at),
        expires: when(t, inv.expires_at),
        state: t.get(&format!("portal-clinician-invitation-{}", state.code())),
        open: state == InvitationState::Open,
        revoke: format!("{}/invitations/{}/revoke", page_path(course), inv.id),
    }
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(Course, Patient, bool), AppError> {
    let actor = user.actor();
    let course = state.app.course(&actor, parse_course(id)?).await?;
    let patient = state.app.patient(&actor, course.patient).await?;
    let can_edit = state
        .app
        .check_patient(&actor, &patient, Access::Write)
        .await
        .is_ok();
    Ok((course, patient, can_edit))
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    mut page: PageCtx,
    id: &str,
    extras: Extras,
) -> Result<ClinicianPage, PageError> {
    let t = page.t;
    let actor = user.actor();
    let (course, patient, can_edit) = load(state, user, id).await.map_err(fail_with(&page))?;
    let pid = patient.id;
    let invitations = state
        .app
        .invitations(&actor, pid)
        .await
        .map_err(fail_with(&page))?;
    let assignments = state
        .app
        .course_assignments(&actor, course.id)
        .await
        .map_err(fail_with(&page))?;
    let access = state
        .app
        .portal_access_of(&actor, pid)
        .await
        .map_err(fail_with(&page))?;
    let open_alert = state
        .app
        .alerts(
            &actor,
            AlertFilter {
                patient: Some(pid),
                open_only: true,
                ..Default::default()
            },
        )
        .await
        .map(|a| !a.is_empty())
        .unwrap_or(false);
    let course_id = course.id.to_string();
    let catalogue = Catalogue::builtin();
    let name_of = |code: &str| {
        catalogue
            .get(code)
            .map(|i| format!("{} — {}", i.short_name, i.name))
            .unwrap_or_else(|| code.to_string())
    };
    let today = state.app.today();
    let assignment_rows = assignments
        .iter()
        .rev()
        .map(|a| {
            let active = a.ended_on.is_none_or(|d| d > today);
            let undeliverable = active
                .then(|| {
                    state
                        .app
                        .offer(&a.instrument, patient.language.code())
                        .err()
                })
                .flatten()
                .map(|e| {
                    t.with(
                        "portal-clinician-undeliverable",
                        &[("reason", refusal(&t, &e))],
                    )
                });
            AssignmentRow {
                undeliverable,
                name: name_of(&a.instrument),
                schedule: t.get(&format!("portal-clinician-schedule-{}", a.schedule.code())),
                assigned: t.date(a.assigned_on),
                status: match a.ended_on {
                    Some(d) => t.with("portal-clinician-stopped-on", &[("date", t.date(d))]),
                    None => t.get("portal-clinician-active"),
                },
                active,
                stop: format!("{}/assignments/{}/stop", page_path(&course_id), a.id),
                version: a.version,
            }
        })
        .collect();
    let mut offerable = vec![];
    let mut not_offered = vec![];
    for offer in state.app.offers(patient.language.code()) {
        let label = format!(
            "{} — {}",
            offer.instrument.short_name, offer.instrument.name
        );
        match &offer.refused {
            None => offerable.push((offer.instrument.code.clone(), label)),
            Some(e) => not_offered.push((label, refusal(&t, e))),
        }
    }
    let course_title = t.with(
        "course-title",
        &[
            ("format", format_label(&t, course.format)),
            ("patient", patient.name.as_str().to_string()),
        ],
    );
    page.title = format!("{} · {}", t.get("section-portal"), patient.name.as_str());
    Ok(ClinicianPage {
        course_id: course_id.clone(),
        patient_link: format!("/patients/{pid}"),
        patient_name: patient.name.as_str().to_string(),
        course_title,
        can_edit,
        open_alert,
        access_status: match access {
            Some(at) => t.with(
                "portal-clinician-access-set",
                &[("date", t.date(at.date()))],
            ),
            None => t.get("portal-clinician-access-none"),
        },
        new_link: extras.new_link,
        hours: extras
            .hours
            .unwrap_or_else(|| state.options.invitation_hours.to_string()),
        hours_min: Invitation::MIN_HOURS,
        hours_max: Invitation::MAX_HOURS,
        hours_error: extras.hours_error,
        invitations: invitations
            .iter()
            .map(|v| invitation_row(&t, &course_id, &v.invitation, v.state))
            .collect(),
        assignments: assignment_rows,
        offerable,
        not_offered,
        schedules: Schedule::ALL
            .iter()
            .map(|s| {
                (
                    s.code().to_string(),
                    t.get(&format!("portal-clinician-schedule-{}", s.code())),
                )
            })
            .collect(),
        assign_error: extras.assign_error,
        message: extras.message,
        page,
    })
}

fn fail_with(page: &PageCtx) -> impl FnOnce(AppError) -> PageError + '_ {
    move |error| PageError {
        page: ctx_copy(page),
        error,
    }
}

/// A fresh copy of a page context (PageCtx is not Clone).
fn ctx_copy(p: &PageCtx) -> PageCtx {
    PageCtx {
        t: p.t,
        lang: p.lang,
        title: p.title.clone(),
        user: p.user.as_ref().map(|u| crate::kit::UserView {
            role: u.role,
            signed_in_as: u.signed_in_as.clone(),
        }),
        languages: p.languages.clone(),
        path: p.path.clone(),
        notices: p.notices.clone(),
    }
}

fn page_ctx(headers: &HeaderMap, user: &CurrentUser, id: &str) -> PageCtx {
    ctx(headers, Some(user), "section-portal", &page_path(id))
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut page = page_ctx(&headers, &user, &id);
    if let Some(n) = q.get("done").filter(|n| NOTICES.contains(&n.as_str())) {
        page.notices
            .push(page.t.get(&format!("portal-clinician-done-{n}")));
    }
    match render(&state, &user, page, &id, Extras::default()).await {
        Ok(p) => p.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The course, for a change: only its clinician passes (others see "not found"), before any
/// input is read.
async fn write_access(state: &AppState, user: &CurrentUser, id: &str) -> Result<Course, AppError> {
    state
        .app
        .course_with(&user.actor(), parse_course(id)?, Access::Write)
        .await
}

fn done(id: &str, notice: &str) -> Response {
    Redirect::to(&format!("{}?done={notice}", page_path(id))).into_response()
}

fn again(r: Result<ClinicianPage, PageError>, status: StatusCode) -> Response {
    match r {
        Ok(p) => (status, p).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The site's own address as the browser used it, for the link the patient opens.
fn site(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if auth::is_secure(state, headers) {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

#[derive(Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    hours: String,
}

/// Create an invitation and show its link once (it is never stored, only its hash).
pub async fn create_invitation(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<InvitationForm>,
) -> Response {
    let page = page_ctx(&headers, &user, &id);
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let token = auth::new_token();
    let invitation = match state
        .app
        .create_invitation(
            &user.actor(),
            course.patient,
            &auth::hash_token(&token),
            &f.hours,
        )
        .await
    {
        Ok(i) => i,
        Err(AppError::Rejected(refused)) => {
            let extras = Extras {
                hours: Some(f.hours.chars().take(12).collect()),
                hours_error: Some(t.rules(&refused)),
                ..Extras::default()
            };
            return again(
                render(&state, &user, page, &id, extras).await,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(e) => return fail(page)(e).into_response(),
    };
    let link = format!("{}/portal/invitation/{token}", site(&state, &headers));
    let extras = Extras {
        new_link: Some((
            link,
            t.with(
                "portal-clinician-valid-until",
                &[("when", when(&t, invitation.expires_at))],
            ),
        )),
        ..Extras::default()
    };
    again(
        render(&state, &user, page, &id, extras).await,
        StatusCode::CREATED,
    )
}

pub async fn revoke_invitation(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, iid)): Path<(String, String)>,
) -> Response {
    let page = page_ctx(&headers, &user, &id);
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let Ok(iid) = iid.parse::<InvitationId>() else {
        return fail(page)(AppError::NotFound("invitation")).into_response();
    };
    match state
        .app
        .revoke_invitation(&user.actor(), course.patient, iid)
        .await
    {
        Ok(()) => done(&id, "revoked"),
        Err(AppError::Rejected(refused)) => {
            let t = page.t;
            let extras = Extras {
                message: Some(t.rules(&refused)),
                ..Extras::default()
            };
            again(
                render(&state, &user, page, &id, extras).await,
                StatusCode::CONFLICT,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    schedule: String,
}

pub async fn assign(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AssignForm>,
) -> Response {
    let page = page_ctx(&headers, &user, &id);
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let refuse = |page: PageCtx, text: String| async {
        let extras = Extras {
            assign_error: Some(text),
            ..Extras::default()
        };
        again(
            render(&state, &user, page, &id, extras).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Ok(schedule) = Schedule::parse(&f.schedule) else {
        let text = t.get("portal-clinician-schedule-missing");
        return refuse(page, text).await;
    };
    match state
        .app
        .assign_questionnaire(&user.actor(), course.id, &f.instrument, schedule)
        .await
    {
        Ok(_) => done(&id, "assigned"),
        Err(AssignError::App(e)) => fail(page)(e).into_response(),
        Err(e) => {
            let text = refusal(&t, &e);
            refuse(page, text).await
        }
    }
}

#[derive(Deserialize)]
pub struct StopForm {
    #[serde(default)]
    version: String,
}

pub async fn stop(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, aid)): Path<(String, String)>,
    Form(f): Form<StopForm>,
) -> Response {
    let page = page_ctx(&headers, &user, &id);
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let Ok(aid) = aid.parse::<AssignmentId>() else {
        return fail(page)(AppError::NotFound("assignment")).into_response();
    };
    let version = f.version.trim().parse().unwrap_or(0);
    match state
        .app
        .stop_assignment(&user.actor(), course.id, aid, version)
        .await
    {
        Ok(_) => done(&id, "stopped"),
        Err(e @ (AppError::Conflict { .. } | AppError::Rejected(_))) => {
            let message = match &e {
                AppError::Rejected(refused) => t.rules(refused),
                _ => t.get("portal-clinician-stop-conflict"),
            };
            let extras = Extras {
                message: Some(message),
                ..Extras::default()
            };
            again(
                render(&state, &user, page, &id, extras).await,
                StatusCode::CONFLICT,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

/// Hand the device to the patient: a kiosk portal session for them, and the clinician's own
/// session ends on this device (their password brings it back).
pub async fn start_kiosk(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let page = page_ctx(&headers, &user, &id);
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let token = auth::new_token();
    let idle = time::Duration::seconds(state.options.idle_timeout.as_secs() as i64);
    if let Err(e) = state
        .app
        .start_kiosk(
            &user.actor(),
            course.patient,
            &auth::hash_token(&token),
            idle,
        )
        .await
    {
        return fail(page)(e).into_response();
    }
    if let Some(own) = auth::cookie(&headers, auth::SESSION_COOKIE)
        && let Err(e) = state
            .app
            .end_session_for_kiosk(user.id, user.role, &auth::hash_token(&own), course.patient)
            .await
    {
        tracing::warn!(error = %e, "the clinician's session could not be ended for kiosk mode");
    }
    let secure = auth::is_secure(&state, &headers);
    (
        AppendHeaders([
            (header::SET_COOKIE, portal_cookie(&token, None, secure)),
            (
                header::SET_COOKIE,
                auth::session_cookie("", Some(0), secure),
            ),
        ]),
        Redirect::to("/portal/questionnaires"),
    )
        .into_response()
}
