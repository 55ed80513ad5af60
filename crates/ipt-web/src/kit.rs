//! The page kit every server-rendered page shares: the page context (language, user, title,
//! notice), the refusal and message pages, labelled fields and the labels of statuses and
//! formats. Pages of every group build on it; it knows no page of its own.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ipt_app::AppError;
use ipt_domain::course::{Course, CourseStatus};
use ipt_domain::protocol::Format;

use crate::auth::{self, CurrentUser, LANG_COOKIE};
use crate::i18n::{Lang, Tr};

pub struct UserView {
    pub role: &'static str,
    pub signed_in_as: String,
}

/// What the layout needs on every page.
pub struct PageCtx {
    pub t: Tr,
    pub lang: &'static str,
    pub title: String,
    pub user: Option<UserView>,
    pub languages: Vec<(&'static str, &'static str)>,
    pub path: String,
    pub notices: Vec<String>,
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    auth::cookie(headers, LANG_COOKIE)
        .and_then(|c| Lang::parse(&c))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

pub fn ctx(
    headers: &HeaderMap,
    user: Option<&CurrentUser>,
    title_key: &str,
    path: &str,
) -> PageCtx {
    let t = Tr::new(lang_of(headers));
    PageCtx {
        title: t.get(title_key),
        lang: t.lang.code(),
        user: user.map(|u| UserView {
            role: u.role.code(),
            signed_in_as: t.with(
                "nav-signed-in-as",
                &[
                    ("name", u.display_name.clone()),
                    ("role", t.get(&format!("role-{}", u.role.code()))),
                ],
            ),
        }),
        languages: Lang::ALL
            .iter()
            .map(|l| (l.code(), l.native_name()))
            .collect(),
        path: path.to_string(),
        notices: vec![],
        t,
    }
}

/// Notices a redirect may ask a page to show (`?notice=…`). Only these keys are accepted.
const NOTICES: [&str; 9] = [
    "login-challenge-expired",
    "account-security-off",
    "patient-registered",
    "signed-out",
    "users-added",
    "users-supervisor-saved",
    "login-expired",
    "course-moved",
    "alert-acknowledged",
];

pub fn with_notice(mut page: PageCtx, q: &HashMap<String, String>) -> PageCtx {
    // `course-moved` needs the new status; the course page adds it itself.
    if let Some(n) = q
        .get("notice")
        .filter(|n| NOTICES.contains(&n.as_str()) && *n != "course-moved")
    {
        let text = if n == "alert-acknowledged" {
            page.t.get("alert-acknowledge")
        } else {
            page.t.get(n)
        };
        page.notices.push(text);
    }
    page
}

/// One labelled input, rendered by `partials/input.html` on every page. Its id may differ from
/// its name, so a page can hold several forms with the same field names. Its hint, its error and
/// (after a stale save) the saved value are tied to it with `aria-describedby`.
pub struct Input {
    pub id: String,
    pub name: String,
    pub label: String,
    /// text, number, date, textarea, select or checkbox.
    pub kind: &'static str,
    pub value: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    /// After a refused stale save: what is saved now, when it differs from what was typed.
    pub saved: Option<String>,
    pub required: bool,
    pub options: Vec<(String, String)>,
    pub min: String,
    pub max: String,
    /// Visible lines of a textarea.
    pub rows: u8,
    /// Catalogue keys of the words before a saved value, and of an empty one (each page group
    /// says it its own way: "Saved now:", "Saved meanwhile:").
    pub saved_label: &'static str,
    pub saved_empty: &'static str,
}

impl Input {
    pub fn new(name: &str, label: String, kind: &'static str, value: &str) -> Self {
        Self {
            id: name.replace('_', "-"),
            name: name.to_string(),
            label,
            kind,
            value: value.to_string(),
            hint: None,
            error: None,
            saved: None,
            required: false,
            options: vec![],
            min: String::new(),
            max: String::new(),
            rows: 4,
            saved_label: "initial-conflict-saved",
            saved_empty: "initial-conflict-saved-empty",
        }
    }

    /// The words before a saved value, and for an empty one (catalogue keys).
    pub fn saved_words(mut self, label: &'static str, empty: &'static str) -> Self {
        self.saved_label = label;
        self.saved_empty = empty;
        self
    }

    /// The ids of the texts that describe this input, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        described_by(&self.id, &self.hint, &self.error, &self.saved)
    }

    pub fn rows(mut self, rows: u8) -> Self {
        self.rows = rows;
        self
    }

    /// Prefix the id, for pages with several forms.
    pub fn scoped(mut self, scope: &str) -> Self {
        self.id = format!("{scope}-{}", self.id);
        self
    }

    pub fn hint(mut self, h: String) -> Self {
        self.hint = Some(h);
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn options(mut self, o: Vec<(String, String)>) -> Self {
        self.options = o;
        self
    }

    pub fn range(mut self, min: i64, max: i64) -> Self {
        self.min = min.to_string();
        self.max = max.to_string();
        self
    }

    /// Attach this field's error, if any.
    pub fn error_from<K: std::borrow::Borrow<str> + std::hash::Hash + Eq>(
        mut self,
        errors: &HashMap<K, String>,
    ) -> Self {
        self.error = errors.get(self.name.as_str()).cloned();
        self
    }

    /// What a stored value looks like to the reader: an option's label, yes/no for a box.
    fn display(&self, raw: &str, t: &Tr) -> String {
        match self.kind {
            "checkbox" => t.get(if raw.is_empty() { "no" } else { "yes" }),
            _ if raw.trim().is_empty() => t.get(self.saved_empty),
            "select" => self
                .options
                .iter()
                .find(|(v, _)| v == raw)
                .map(|(_, l)| l.clone())
                .unwrap_or_else(|| raw.to_string()),
            _ => raw.to_string(),
        }
    }

    /// After a conflict: show the saved value when it differs from what was typed.
    pub fn saved_from(mut self, saved: Option<&str>, t: &Tr) -> Self {
        if let Some(s) = saved
            && s.trim() != self.value.trim()
        {
            self.saved = Some(self.display(s, t));
        }
        self
    }

    pub fn is_checked(&self) -> bool {
        !self.value.is_empty()
    }
}

/// One checkbox or radio button.
pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
    pub checked: bool,
}

/// A group of checkboxes or radio buttons under a legend, rendered by `partials/choices.html`
/// for every form of the product. Its hint, its error and a selection saved meanwhile are tied to
/// the fieldset with `aria-describedby`.
pub struct Choices {
    pub id: String,
    pub name: String,
    /// checkbox or radio.
    pub kind: &'static str,
    pub legend: String,
    pub hint: Option<String>,
    pub items: Vec<Choice>,
    pub error: Option<String>,
    pub saved: Option<String>,
    /// Shown folded (`<details>`), open when something in it is ticked or was saved meanwhile.
    pub folded: bool,
    /// Catalogue keys of the words before a saved selection, and of an empty one.
    pub saved_label: &'static str,
    pub saved_none: &'static str,
}

impl Choices {
    /// A group from `(value, label, hint)` options, with `selected` ticked.
    pub fn new(
        name: &str,
        kind: &'static str,
        legend: String,
        options: Vec<(String, String, Option<String>)>,
        selected: &[String],
    ) -> Self {
        let id = name.replace('_', "-");
        let items = options
            .into_iter()
            .map(|(value, label, hint)| Choice {
                id: format!("{id}-{}", value.replace('_', "-")),
                checked: selected.contains(&value),
                value,
                label,
                hint,
            })
            .collect();
        Self {
            kind,
            ..Self::of(&id, name, legend, items)
        }
    }

    /// A group of the given boxes.
    pub fn of(id: &str, name: &str, legend: String, items: Vec<Choice>) -> Self {
        Self {
            id: id.to_string(),
            name: name.to_string(),
            kind: "checkbox",
            legend,
            hint: None,
            items,
            error: None,
            saved: None,
            folded: false,
            saved_label: "initial-conflict-saved",
            saved_none: "initial-conflict-saved-none",
        }
    }

    /// The words before a saved selection, and for an empty one (catalogue keys).
    pub fn saved_words(mut self, label: &'static str, none: &'static str) -> Self {
        self.saved_label = label;
        self.saved_none = none;
        self
    }

    pub fn radio(mut self) -> Self {
        self.kind = "radio";
        self
    }

    pub fn any_checked(&self) -> bool {
        self.items.iter().any(|i| i.checked)
    }

    /// The ids of the texts that describe the group, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        described_by(&self.id, &self.hint, &self.error, &self.saved)
    }

    pub fn hint(mut self, h: String) -> Self {
        self.hint = Some(h);
        self
    }

    pub fn error_from<K: std::borrow::Borrow<str> + std::hash::Hash + Eq>(
        mut self,
        errors: &HashMap<K, String>,
    ) -> Self {
        self.error = errors.get(self.name.as_str()).cloned();
        self
    }

    /// After a conflict: list what is saved when it differs from what was ticked.
    pub fn saved_from<S: AsRef<[String]>>(mut self, saved: Option<S>, t: &Tr) -> Self {
        if let Some(saved) = saved {
            let saved = saved.as_ref();
            let mut now: Vec<&str> = self
                .items
                .iter()
                .filter(|c| c.checked)
                .map(|c| c.value.as_str())
                .collect();
            let mut then: Vec<&str> = saved.iter().map(String::as_str).collect();
            now.sort_unstable();
            then.sort_unstable();
            if now != then {
                let labels: Vec<String> = self
                    .items
                    .iter()
                    .filter(|c| saved.contains(&c.value))
                    .map(|c| c.label.clone())
                    .collect();
                self.saved = Some(if labels.is_empty() {
                    t.get(self.saved_none)
                } else {
                    labels.join("; ")
                });
            }
        }
        self
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/message.html")]
pub struct MessagePage {
    pub page: PageCtx,
    pub heading: String,
    pub message: String,
    pub back_link: String,
    pub back_text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/form.html")]
pub struct FormPage {
    pub page: PageCtx,
    pub heading: String,
    pub intro: Option<String>,
    pub has_errors: bool,
    pub form_error: Option<String>,
    pub action: String,
    pub fields: Vec<Input>,
    pub hidden: Vec<(String, String)>,
    pub submit: String,
    pub cancel: String,
}

/// An app error as a page, in the user's language. Denied and missing look the same.
pub struct PageError {
    pub page: PageCtx,
    pub error: AppError,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let t = self.page.t;
        let (status, heading, message) = match &self.error {
            AppError::NotFound(_) | AppError::Forbidden => (
                StatusCode::NOT_FOUND,
                t.get("error-not-found-title"),
                t.get("error-not-found"),
            ),
            AppError::Conflict { .. } => (
                StatusCode::CONFLICT,
                t.get("error-conflict"),
                t.get("error-conflict"),
            ),
            AppError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                t.get("error-unavailable"),
                t.get("error-unavailable"),
            ),
            AppError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                t.get("error-unavailable"),
                t.get("login-busy"),
            ),
            AppError::Throttled { retry_after_secs } => {
                let minutes = ((retry_after_secs + 59) / 60).max(1);
                let text = t.with("login-throttled", &[("minutes", minutes.to_string())]);
                (StatusCode::TOO_MANY_REQUESTS, text.clone(), text)
            }
            AppError::Duplicate(m) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                t.get("form-errors-title"),
                m.clone(),
            ),
            AppError::Rejected(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                t.get("form-errors-title"),
                t.rules(errors),
            ),
            AppError::Transition(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                t.get("form-errors-title"),
                e.to_string(),
            ),
            AppError::Internal(m) | AppError::Config(m) => {
                tracing::error!(error = %m, "internal error on a page");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    t.get("error-internal"),
                    t.get("error-internal"),
                )
            }
        };
        let page = MessagePage {
            heading,
            message,
            back_link: "/".into(),
            back_text: t.get("back-to-caseload"),
            page: self.page,
        };
        (status, page).into_response()
    }
}

pub fn fail(page: PageCtx) -> impl FnOnce(AppError) -> PageError {
    move |error| PageError { page, error }
}

pub fn status_label(t: &Tr, s: &CourseStatus) -> String {
    t.get(&format!("status-{}", s.code()))
}

pub fn format_label(t: &Tr, f: Format) -> String {
    t.get(&format!("format-{}", f.code()))
}

/// "Session n of N" once a contract is agreed (N its sessions, `Course::session_of`), else
/// "Session n": before the contract there is no agreed total to count against.
pub fn session_label(t: &Tr, c: &Course, n: u16) -> String {
    match c.session_of(n) {
        Some(total) => t.with(
            "course-session-n-of",
            &[("n", n.to_string()), ("total", total.to_string())],
        ),
        None => t.with("course-session-n", &[("n", n.to_string())]),
    }
}

/// Sessions attended against the contract ("4 of 12 planned sessions attended"), or, with no
/// contract agreed, the count and that no contract is agreed yet.
pub fn attended_label(t: &Tr, c: &Course, attended: usize) -> String {
    match c.contract {
        Some(k) => t.with(
            "sessions-attended-of-planned",
            &[
                ("n", attended.to_string()),
                ("total", k.sessions.to_string()),
            ],
        ),
        None => t.count("sessions-attended-no-contract", attended as i64),
    }
}

/// The ids of a field's hint, error and saved value (those it has), for `aria-describedby`.
fn described_by(
    id: &str,
    hint: &Option<String>,
    error: &Option<String>,
    saved: &Option<String>,
) -> String {
    [(hint, "hint"), (error, "error"), (saved, "saved")]
        .iter()
        .filter(|(text, _)| text.is_some())
        .map(|(_, what)| format!("{id}-{what}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a guard asks for, in the reader's language, with the format's own figures: the
/// minimum of middle-phase sessions and the main questionnaires.
pub fn guard_label(
    t: &Tr,
    g: &ipt_domain::course::Guard,
    protocol: &ipt_domain::protocol::Protocol,
) -> String {
    // The instruments a baseline can come from: the GAD-7 of the individual format is not one.
    let instruments = protocol
        .baseline_instruments()
        .into_iter()
        .map(|c| {
            ipt_domain::measures::Catalogue::builtin()
                .get(c)
                .map(|i| i.short_name.clone())
                .unwrap_or_else(|| c.to_uppercase())
        })
        .collect::<Vec<_>>()
        .join(", ");
    t.with(
        &format!("guard-{}", g.code()),
        &[
            ("n", protocol.gates.min_middle_sessions.to_string()),
            ("instruments", instruments),
        ],
    )
}
