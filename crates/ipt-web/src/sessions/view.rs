//! Pieces shared by the session, goal and ending pages: form inputs and checklists, the course
//! header, loading a course with access checks, and notices.

use std::collections::HashMap;

use ipt_app::access::Access;
use ipt_app::ports::AlertFilter;
use ipt_app::{AppError, CourseView};
use ipt_domain::ids::CourseId;
use ipt_domain::measures::Catalogue;
use ipt_domain::protocol::Protocol;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, fail, format_label, status_label};

pub use crate::kit::Input;

/// An input of the sessions pages, which say "Saved meanwhile:" beside a value saved by someone
/// else.
pub fn input(name: &'static str, label: String, kind: &'static str, value: &str) -> Input {
    Input::new(name, label, kind, value)
        .saved_words("sessions-conflict-saved", "sessions-conflict-saved-empty")
}

pub use crate::kit::{Choice as Check, Choices as CheckGroup};

/// A checklist of the sessions pages, which say "Saved meanwhile:" beside a selection saved by
/// someone else.
pub fn check_group(id: &str, name: &'static str, legend: String, items: Vec<Check>) -> CheckGroup {
    CheckGroup::of(id, name, legend, items)
        .saved_words("sessions-conflict-saved", "sessions-conflict-saved-none")
}

/// Field errors of one form, by field name.
pub type Errors = HashMap<&'static str, String>;

pub use crate::refusals::place;

/// A posted form as name–value pairs: checklists repeat a name once per ticked box.
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
    pub fn version(&self) -> Option<i64> {
        self.get("version").trim().parse().ok()
    }
}

/// The snake_case code of a domain enum (the same code it is stored under).
pub fn code_of<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A domain enum from its code, or None.
pub fn parse_code<T: DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.trim().to_string())).ok()
}

/// The top of every page of this part: where the course is, and any open alert.
pub struct Header {
    pub patient_id: String,
    pub patient_name: String,
    pub course_id: String,
    pub course_title: String,
    pub status: String,
    pub status_code: &'static str,
    pub open_alert: bool,
    pub sections: Vec<(String, String)>,
}

/// A course loaded for one of these pages, with what the user may do.
pub struct Loaded {
    pub page: PageCtx,
    pub view: CourseView,
    pub header: Header,
    /// The user may change this course (its clinician; not a supervisor reading).
    pub can_write: bool,
    pub protocol: Protocol,
    pub open_alerts: Vec<ipt_domain::alert::RiskAlert>,
}

pub fn not_found(page: PageCtx) -> PageError {
    PageError {
        page,
        error: AppError::NotFound("course"),
    }
}

// A PageError carries the page context, so that an error renders in the user's language.
#[allow(clippy::result_large_err)]
pub fn parse_course(page: PageCtx, id: &str) -> Result<(PageCtx, CourseId), PageError> {
    match id.parse::<CourseId>() {
        Ok(id) => Ok((page, id)),
        Err(_) => Err(not_found(page)),
    }
}

/// Load a course the user may read, with everything its pages show.
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: CourseId,
) -> Result<Loaded, PageError> {
    let app = &state.app;
    let actor = user.actor();
    let view = match app.course_view(&actor, id).await {
        Ok(v) => v,
        Err(e) => return Err(fail(page)(e)),
    };
    let can_write = app
        .check_patient(&actor, &view.patient, Access::Write)
        .await
        .is_ok();
    let open_alerts = match app
        .alerts(
            &actor,
            AlertFilter {
                patient: Some(view.patient.id),
                open_only: true,
                ..Default::default()
            },
        )
        .await
    {
        Ok(a) => a,
        Err(e) => return Err(fail(page)(e)),
    };
    let t = page.t;
    let c = &view.course;
    let header = Header {
        patient_id: view.patient.id.to_string(),
        patient_name: view.patient.name.as_str().to_string(),
        course_id: c.id.to_string(),
        course_title: t.with(
            "course-title",
            &[
                ("format", format_label(&t, c.format)),
                ("patient", view.patient.name.as_str().to_string()),
            ],
        ),
        status: status_label(&t, &c.status),
        status_code: c.status.code(),
        open_alert: !open_alerts.is_empty(),
        sections: (state.section_links)(&t, &c.id.to_string()),
    };
    let protocol = app.protocols.get(c.format).clone();
    Ok(Loaded {
        page,
        view,
        header,
        can_write,
        protocol,
        open_alerts,
    })
}

/// Refuse a change before doing any work when the user may not change the course: the answer
/// is the same 404 as for a missing course.
pub async fn require_write(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: CourseId,
) -> Result<PageCtx, PageError> {
    match state
        .app
        .course_with(&user.actor(), id, Access::Write)
        .await
    {
        Ok(_) => Ok(page),
        Err(e) => Err(fail(page)(e)),
    }
}

/// Load course `id` for a change posted to `path` (a page titled `title`); refused with the
/// same 404 as a missing course when the user may not change it.
pub async fn load_writable(
    state: &AppState,
    user: &CurrentUser,
    headers: &axum::http::HeaderMap,
    title: &str,
    path: &str,
    id: &str,
) -> Result<Loaded, PageError> {
    let page = crate::kit::ctx(headers, Some(user), title, path);
    let (page, id) = parse_course(page, id)?;
    let page = require_write(state, user, page, id).await?;
    load(state, user, page, id).await
}

/// Notices the pages of this part accept in `?notice=`.
pub(super) const NOTICES: [&str; 9] = [
    "session-recorded",
    "session-saved",
    "goal-added",
    "goal-saved",
    "review-saved",
    "plan-saved",
    "decision-saved",
    "maintenance-started",
    "maintenance-exists",
];

pub fn notices(mut page: PageCtx, q: &HashMap<String, String>) -> PageCtx {
    page = crate::kit::with_notice(page, q);
    if let Some(n) = q.get("notice").filter(|n| NOTICES.contains(&n.as_str())) {
        page.notices
            .push(page.t.get(&format!("sessions-notice-{n}")));
    }
    page
}

/// One recommended measure of the format, with whether its questionnaire text is available.
pub struct MeasureNote {
    pub name: String,
    pub text: String,
}

/// The format's recommended measures (PHQ-9, EPDS for perinatal, GDS-15 for older adults …),
/// each saying whether this site has its questionnaire text in the user's language.
pub fn recommended_measures(state: &AppState, t: &Tr, protocol: &Protocol) -> Vec<MeasureNote> {
    let lang = t.lang.code();
    protocol
        .recommended_instruments
        .iter()
        .filter_map(|code| Catalogue::builtin().get(code))
        .map(|i| {
            let text = if state.app.text_packs.text_for(&i.code, lang).is_some() {
                t.get("sessions-measure-text-available")
            } else {
                t.with(
                    "sessions-measure-needs-pack",
                    &[
                        ("instrument", i.short_name.clone()),
                        ("language", t.get(&format!("language-{lang}"))),
                    ],
                )
            };
            MeasureNote {
                name: i.short_name.clone(),
                text,
            }
        })
        .collect()
}

/// One form of a page with several (the ending page's, the safety page's): its inputs and what
/// is wrong with the last post of it.
pub struct FormBlock {
    pub action: String,
    pub inputs: Vec<Input>,
    pub has_errors: bool,
    pub form_error: Option<String>,
    pub conflict: Option<String>,
    pub version: i64,
}

/// Which of a page's forms was posted (`W`, the page's own list), what was typed into it, and
/// what is wrong with it.
pub struct Pending<'a, W> {
    pub which: W,
    pub typed: &'a FormData,
    pub errors: Errors,
    pub form_error: Option<String>,
    /// The post was refused as stale: show what is saved now beside what was typed.
    pub conflict: bool,
}

impl<W> Pending<'static, W> {
    /// Nothing posted: every form shows what is saved.
    pub fn none(which: W) -> Self {
        static EMPTY: FormData = FormData(Vec::new());
        Pending {
            which,
            typed: &EMPTY,
            errors: Errors::new(),
            form_error: None,
            conflict: false,
        }
    }
}

impl<W: PartialEq> Pending<'_, W> {
    /// The inputs of the form `which` after this post: each refusal beside its field and, after
    /// a stale save, what is saved now beside what was typed. Other forms' inputs are as given.
    pub fn mark(
        &self,
        t: &Tr,
        which: W,
        inputs: Vec<Input>,
        saved: &HashMap<&'static str, String>,
    ) -> Vec<Input> {
        if self.which != which {
            return inputs;
        }
        inputs
            .into_iter()
            .map(|i| {
                let name = i.name.clone();
                let i = i.error_from(&self.errors);
                if self.conflict {
                    i.saved_from(saved.get(name.as_str()).map(String::as_str), t)
                } else {
                    i
                }
            })
            .collect()
    }

    /// The form `which` with `inputs`, carrying the post's refusals when it was this one.
    pub fn block(
        &self,
        t: &Tr,
        which: W,
        inputs: Vec<Input>,
        action: String,
        version: i64,
    ) -> FormBlock {
        let mine = self.which == which;
        FormBlock {
            action,
            inputs,
            has_errors: mine && !self.errors.is_empty(),
            form_error: if mine { self.form_error.clone() } else { None },
            conflict: (mine && self.conflict).then(|| t.get("sessions-conflict-course")),
            version,
        }
    }
}
