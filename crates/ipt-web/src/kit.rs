//! The page kit every server-rendered page shares: the page context (language, user, title,
//! notice), the refusal and message pages, labelled fields and the labels of statuses and
//! formats. Pages of every group build on it; it knows no page of its own.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ipt_app::AppError;
use ipt_domain::course::CourseStatus;
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
const NOTICES: [&str; 7] = [
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

/// One form field, rendered by `partials/field.html`.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub kind: &'static str,
    pub value: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub required: bool,
    pub options: Vec<(String, String)>,
}

impl Field {
    pub fn new(name: &'static str, label: String, kind: &'static str, value: &str) -> Self {
        Self {
            name,
            label,
            kind,
            value: value.to_string(),
            hint: None,
            error: None,
            required: false,
            options: vec![],
        }
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
    pub fields: Vec<Field>,
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
