//! Server-rendered pages: sign-in, caseload, patients, alerts, the course overview and user
//! administration. Every page works with plain forms; text comes from the catalogues.

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_app::ports::AlertFilter;
use ipt_app::usecases::two_factor::AfterPassword;
use ipt_domain::alert::{AlertSource, RiskAlert};
use ipt_domain::authz::Role;
use ipt_domain::course::{CourseStartInput, TransitionError, TransitionInput};
use ipt_domain::ids::{AlertId, CourseId, PatientId, UserId};
use ipt_domain::patient::PatientInput;
use ipt_domain::protocol::Format;
use serde::Deserialize;
use time::Date;

use crate::AppState;
use crate::auth::{self, CurrentUser, LANG_COOKIE};
use crate::i18n::{Lang, Tr};
use crate::kit::{
    FormPage, Input, PageCtx, PageError, ctx, fail, format_label, status_label, with_notice,
};
use crate::kit::{guard_label, session_label};

// ---- Pieces of this file's pages ----------------------------------------------------------

/// An input of these pages, whose ids are the field names (`#date_of_birth`).
fn field(name: &'static str, label: String, kind: &'static str, value: &str) -> Input {
    let mut f = Input::new(name, label, kind, value);
    f.id = name.to_string();
    f
}

fn alert_source(t: &Tr, a: &RiskAlert) -> String {
    match &a.source {
        AlertSource::Instrument { instrument, items } => t.with(
            "alert-source-instrument",
            &[
                ("instrument", instrument.to_uppercase()),
                (
                    "items",
                    items
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
        ),
        AlertSource::SessionRiskReview { .. } => t.get("alert-source-session"),
    }
}

// ---- Home, language, sign-in -----------------------------------------------------------------

pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Redirect {
    match auth::identify(&state, &headers).await {
        Some(u) if u.role == Role::Admin => Redirect::to("/admin/users"),
        Some(_) => Redirect::to("/caseload"),
        None => Redirect::to("/login"),
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    back: String,
}

/// Switch the interface language. For a signed-in user the choice is also kept on their
/// account, so it follows them to other devices.
pub async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LanguageForm>,
) -> Response {
    let lang = Lang::parse(&f.lang).unwrap_or_default();
    if let Some(user) = auth::identify(&state, &headers).await
        && let Ok(language) = ipt_domain::patient::Language::parse(lang.code())
        && let Err(e) = state
            .app
            .set_interface_language(&user.actor(), Some(language))
            .await
    {
        tracing::warn!(user = %user.id, error = %e, "the language choice was not kept");
    }
    let back = same_site_path(&f.back).unwrap_or("/");
    (
        [(header::SET_COOKIE, lang_cookie(lang.code()))],
        Redirect::to(back),
    )
        .into_response()
}

/// `back` when it is a path on this site, never an open redirect: it starts with one `/`
/// followed by anything but `/` or `\` (browsers read `//host` and `/\host` as another site),
/// and holds only visible ASCII without `\` (no control character can reach the header).
pub fn same_site_path(back: &str) -> Option<&str> {
    let mut chars = back.chars();
    let local = chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
    let clean = back.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    (local && clean).then_some(back)
}

fn lang_cookie(code: &str) -> String {
    format!("{LANG_COOKIE}={code}; Path=/; Max-Age=31536000; SameSite=Lax")
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/login.html")]
pub struct LoginPage {
    pub page: PageCtx,
    pub error: Option<String>,
    pub username: String,
    pub first_run: bool,
}

async fn no_users(state: &AppState) -> bool {
    state.app.has_users().await.map(|any| !any).unwrap_or(false)
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> LoginPage {
    let mut page = ctx(&headers, None, "login-title", "/login");
    if q.contains_key("expired") {
        page.notices.push(page.t.get("login-expired"));
    }
    let page = with_notice(page, &q);
    LoginPage {
        page,
        error: None,
        username: String::new(),
        first_run: no_users(&state).await,
    }
}

/// A field left out of the form (a hand-made request) is read as empty, and answered like a
/// wrong password.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let page = ctx(&headers, None, "login-title", "/login");
    let t = page.t;
    let ip = peer.ip();
    let refuse = |page: PageCtx, error: String, username: String, status: StatusCode| {
        (
            status,
            LoginPage {
                page,
                error: Some(error),
                username,
                first_run: false,
            },
        )
            .into_response()
    };
    // Kept on the page only when it could be a username: never a megabyte of it.
    let typed: String = f.username.chars().take(60).collect();
    let verified = state.app.staff_sign_in(&f.username, &f.password, ip).await;
    let user = match verified {
        Ok(Some(user)) => user,
        Err(AppError::Throttled { retry_after_secs }) => {
            let minutes = ((retry_after_secs + 59) / 60).max(1);
            let msg = t.with("login-throttled", &[("minutes", minutes.to_string())]);
            return refuse(page, msg, typed, StatusCode::TOO_MANY_REQUESTS);
        }
        Err(AppError::Busy) => {
            return refuse(
                page,
                t.get("login-busy"),
                typed,
                StatusCode::SERVICE_UNAVAILABLE,
            );
        }
        Ok(None) => {
            return refuse(page, t.get("login-failed"), typed, StatusCode::UNAUTHORIZED);
        }
        Err(e) => return fail(page)(e).into_response(),
    };
    let user = match state.app.after_password(user).await {
        Ok(AfterPassword::SignedIn(user)) => user,
        Ok(AfterPassword::SecondFactor(user)) => {
            return crate::second_factor::challenge(&state, &headers, &user, "/login/code").await;
        }
        Ok(AfterPassword::Enrol(user)) => {
            return crate::second_factor::challenge(&state, &headers, &user, "/login/enrol").await;
        }
        Err(e) => return fail(page)(e).into_response(),
    };
    match signed_in_cookies(&state, &headers, &user).await {
        Ok(cookies) => with_cookies(Redirect::to("/").into_response(), cookies),
        Err(e) => fail(page)(e).into_response(),
    }
}

/// Start a signed-in session for `user`, whose password (and second factor, if any) was
/// checked: the session cookie, and the language the user chose before, on any device.
pub(crate) async fn signed_in_cookies(
    state: &AppState,
    headers: &HeaderMap,
    user: &ipt_app::ports::UserRecord,
) -> Result<Vec<String>, AppError> {
    let token = auth::new_token();
    let idle = time::Duration::seconds(state.options.idle_timeout.as_secs() as i64);
    state
        .app
        .start_web_session(user, &auth::hash_token(&token), idle)
        .await?;
    let mut cookies = vec![auth::session_cookie(
        &token,
        None,
        auth::is_secure(state, headers),
    )];
    if let Ok(Some(lang)) = state.app.interface_language(user.id).await {
        cookies.push(lang_cookie(lang.code()));
    }
    Ok(cookies)
}

/// `res` with these `Set-Cookie` headers added.
pub(crate) fn with_cookies(mut res: Response, cookies: Vec<String>) -> Response {
    for c in cookies {
        if let Ok(v) = header::HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = auth::cookie(&headers, auth::SESSION_COOKIE) {
        let _ = state.app.sign_out(&auth::hash_token(&token)).await;
    }
    let cookie = auth::session_cookie("", Some(0), auth::is_secure(&state, &headers));
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to("/login?notice=signed-out"),
    )
        .into_response()
}

// ---- Caseload ---------------------------------------------------------------------------------

pub struct CaseloadRowView {
    pub name: String,
    pub link: String,
    pub format: String,
    pub phase: String,
    pub session: String,
    pub next: String,
    pub score: String,
    pub alerts: usize,
    pub alerts_text: String,
    pub signals: Vec<crate::signals::SignalView>,
    next_sort: Option<Date>,
    open: bool,
}

pub struct AlertLine {
    pub patient_id: String,
    pub patient_name: String,
    pub source: String,
    pub raised: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/caseload.html")]
pub struct CaseloadPage {
    pub page: PageCtx,
    pub rows: Vec<CaseloadRowView>,
    pub alerts: Vec<AlertLine>,
    pub show: String,
    pub sort: String,
    pub show_options: Vec<(String, String)>,
    pub sort_options: Vec<(String, String)>,
}

pub async fn caseload(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<CaseloadPage, PageError> {
    let page = with_notice(
        ctx(&headers, Some(&user), "caseload-title", "/caseload"),
        &q,
    );
    let t = page.t;
    if user.role == Role::Admin {
        return Err(PageError {
            page,
            error: AppError::Forbidden,
        });
    }
    let rows = match state.app.caseload(&user.actor()).await {
        Ok(r) => r,
        Err(e) => return Err(fail(page)(e)),
    };
    let mut alerts = vec![];
    let mut views: Vec<CaseloadRowView> = rows
        .into_iter()
        .map(|r| {
            for a in &r.open_alerts {
                alerts.push(AlertLine {
                    patient_id: r.patient.id.to_string(),
                    patient_name: r.patient.name.as_str().to_string(),
                    source: alert_source(&t, a),
                    raised: t.date(a.raised_at.date()),
                });
            }
            let score = match &r.latest {
                None => t.get("not-set"),
                Some(s) => {
                    let trend = match s.previous {
                        None => t.get("trend-first"),
                        Some(p) if s.total < p => t.get("trend-better"),
                        Some(p) if s.total > p => t.get("trend-worse"),
                        Some(_) => t.get("trend-same"),
                    };
                    let sev = s
                        .severity
                        .as_deref()
                        .map(|c| t.get(&format!("severity-{c}")))
                        .unwrap_or_default();
                    format!(
                        "{} {} ({}), {}",
                        s.instrument.to_uppercase(),
                        t.number(s.total),
                        sev,
                        trend
                    )
                }
            };
            let n = r.open_alerts.len();
            let course_id = r.course.as_ref().map(|c| c.id);
            let signals = r
                .signals
                .iter()
                .map(|s| crate::signals::view(&t, s, r.patient.id, course_id))
                .collect();
            CaseloadRowView {
                name: r.patient.name.as_str().to_string(),
                link: format!("/patients/{}", r.patient.id),
                format: r
                    .course
                    .as_ref()
                    .map(|c| format_label(&t, c.format))
                    .unwrap_or_else(|| t.get("caseload-no-course")),
                phase: r
                    .course
                    .as_ref()
                    .map(|c| status_label(&t, &c.status))
                    .unwrap_or_default(),
                session: if r.course.is_some() {
                    t.with(
                        "caseload-session-of",
                        &[
                            ("n", r.sessions_attended.to_string()),
                            ("total", r.planned_sessions.to_string()),
                        ],
                    )
                } else {
                    String::new()
                },
                next: r
                    .next_session
                    .map(|d| t.date(d))
                    .unwrap_or_else(|| "—".into()),
                next_sort: r.next_session,
                score,
                alerts: n,
                alerts_text: if n == 0 {
                    t.get("alerts-none")
                } else {
                    t.count("alerts-open-count", n as i64)
                },
                signals,
                open: r.course.as_ref().is_some_and(|c| c.status.is_open()),
            }
        })
        .collect();
    let show = q.get("show").cloned().unwrap_or_else(|| "all".into());
    match show.as_str() {
        "open" => views.retain(|v| v.open),
        "alerts" => views.retain(|v| v.alerts > 0),
        "signals" => views.retain(|v| !v.signals.is_empty()),
        _ => {}
    }
    let sort = q.get("sort").cloned().unwrap_or_else(|| "name".into());
    match sort.as_str() {
        "next" => views.sort_by_key(|v| (v.next_sort.is_none(), v.next_sort)),
        "alerts" => views.sort_by_key(|v| std::cmp::Reverse(v.alerts)),
        _ => {}
    }
    Ok(CaseloadPage {
        rows: views,
        alerts,
        show_options: vec![
            ("all".into(), t.get("caseload-filter-all")),
            ("open".into(), t.get("caseload-filter-open")),
            ("alerts".into(), t.get("caseload-filter-alerts")),
            ("signals".into(), t.get("caseload-filter-signals")),
        ],
        sort_options: vec![
            ("name".into(), t.get("caseload-sort-name")),
            ("next".into(), t.get("caseload-sort-next")),
            ("alerts".into(), t.get("caseload-sort-alerts")),
        ],
        show,
        sort,
        page,
    })
}

// ---- Patients ---------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct PatientForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    date_of_birth: String,
    #[serde(default)]
    language: String,
}

fn patient_form(
    page: PageCtx,
    f: &PatientForm,
    errors: HashMap<&'static str, String>,
    form_error: Option<String>,
) -> FormPage {
    let t = page.t;
    let mut name = field("name", t.get("patient-name"), "text", &f.name)
        .hint(t.get("patient-name-hint"))
        .required();
    name.error = errors.get("name").cloned();
    let mut dob = field(
        "date_of_birth",
        t.get("patient-dob"),
        "date",
        &f.date_of_birth,
    )
    .hint(t.get("patient-dob-hint"));
    dob.error = errors.get("date_of_birth").cloned();
    let mut lang = field(
        "language",
        t.get("patient-language"),
        "select",
        if f.language.is_empty() {
            t.lang.code()
        } else {
            &f.language
        },
    )
    .options(vec![
        ("en".into(), t.get("language-en")),
        ("it".into(), t.get("language-it")),
    ]);
    lang.error = errors.get("language").cloned();
    FormPage {
        heading: t.get("patient-new-title"),
        intro: None,
        has_errors: !errors.is_empty(),
        form_error,
        action: "/patients".into(),
        fields: vec![name, dob, lang],
        hidden: vec![],
        submit: t.get("patient-register"),
        cancel: "/caseload".into(),
        page,
    }
}

pub async fn new_patient(
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<FormPage, PageError> {
    let page = ctx(&headers, Some(&user), "patient-new-title", "/patients/new");
    if user.role == Role::Admin {
        return Err(PageError {
            page,
            error: AppError::Forbidden,
        });
    }
    Ok(patient_form(
        page,
        &PatientForm::default(),
        HashMap::new(),
        None,
    ))
}

pub async fn create_patient(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(f): Form<PatientForm>,
) -> Response {
    let page = ctx(&headers, Some(&user), "patient-new-title", "/patients/new");
    let input = PatientInput {
        name: f.name.clone(),
        date_of_birth: Some(f.date_of_birth.clone()),
        language: Some(f.language.clone()),
    };
    match state
        .app
        .enter_patient(&user.actor(), &input, user.id)
        .await
    {
        Ok(p) => {
            Redirect::to(&format!("/patients/{}?notice=patient-registered", p.id)).into_response()
        }
        Err(AppError::Rejected(refused)) => {
            let (errors, rest) =
                crate::refusals::place(&page.t, &refused, &["name", "date_of_birth", "language"]);
            let form_error = (!rest.is_empty()).then(|| rest.join(" "));
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                patient_form(page, &f, errors, form_error),
            )
                .into_response()
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

pub struct AlertView {
    pub id: String,
    pub version: i64,
    pub source: String,
    pub raised: String,
    pub ack: String,
}

pub struct CourseLine {
    pub id: String,
    pub format: String,
    pub status: String,
    pub started: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/patient.html")]
pub struct PatientPage {
    pub page: PageCtx,
    pub patient_id: String,
    pub name: String,
    pub details: String,
    pub open_alerts: Vec<AlertView>,
    pub closed_alerts: Vec<AlertView>,
    pub alert_error: Option<String>,
    pub courses: Vec<CourseLine>,
    pub formats: Vec<(String, String)>,
    /// The patient's open course (id, what it is), when there is one: a second is not started
    /// beside it, so the page says so instead of offering the form.
    pub open_course: Option<(String, String)>,
    /// The start-course form: the date typed (today by default) and what the core refused.
    pub start_date: String,
    pub start_max: String,
    pub start_error: Option<String>,
}

async fn patient_page(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: PatientId,
    alert_error: Option<String>,
) -> Result<PatientPage, PageError> {
    let t = page.t;
    let actor = user.actor();
    let app = &state.app;
    let (patient, courses) = match app.patient_with_courses(&actor, id).await {
        Ok(p) => p,
        Err(e) => return Err(fail(page)(e)),
    };
    let alerts = match app
        .alerts(
            &actor,
            AlertFilter {
                patient: Some(id),
                ..Default::default()
            },
        )
        .await
    {
        Ok(a) => a,
        Err(e) => return Err(fail(page)(e)),
    };
    let users = app.display_names().await.unwrap_or_default();
    let view = |a: &RiskAlert| AlertView {
        id: a.id.to_string(),
        version: a.version,
        source: alert_source(&t, a),
        raised: t.with("alert-raised", &[("date", t.date(a.raised_at.date()))]),
        ack: a
            .acknowledgement
            .as_ref()
            .map(|k| {
                t.with(
                    "alert-acknowledged-by",
                    &[
                        ("name", users.get(&k.by).cloned().unwrap_or_default()),
                        ("date", t.date(k.at.date())),
                        ("note", k.action_note.clone()),
                    ],
                )
            })
            .unwrap_or_default(),
    };
    let mut details = vec![t.get(&format!("language-{}", patient.language.code()))];
    if let Some(d) = patient.date_of_birth {
        details.insert(0, t.with("patient-born", &[("date", t.date(d))]));
    }
    Ok(PatientPage {
        patient_id: id.to_string(),
        name: patient.name.as_str().to_string(),
        details: details.join(" · "),
        open_alerts: alerts.iter().filter(|a| a.is_open()).map(view).collect(),
        closed_alerts: alerts.iter().filter(|a| !a.is_open()).map(view).collect(),
        alert_error,
        courses: courses
            .iter()
            .map(|c| CourseLine {
                id: c.id.to_string(),
                format: format_label(&t, c.format),
                status: status_label(&t, &c.status),
                started: t.with("patient-started-on", &[("date", t.date(c.started_on))]),
            })
            .collect(),
        formats: Format::ALL
            .iter()
            .map(|f| (f.code().to_string(), format_label(&t, *f)))
            .collect(),
        open_course: courses.iter().find(|c| c.status.is_open()).map(|c| {
            (
                c.id.to_string(),
                t.with(
                    "patient-open-course",
                    &[
                        ("format", format_label(&t, c.format)),
                        ("date", t.date(c.started_on)),
                    ],
                ),
            )
        }),
        start_date: app.today().to_string(),
        start_max: app.today().to_string(),
        start_error: None,
        page,
    })
}

pub async fn show_patient(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<PatientPage, PageError> {
    let page = with_notice(
        ctx(
            &headers,
            Some(&user),
            "patient-courses",
            &format!("/patients/{id}"),
        ),
        &q,
    );
    let Ok(id) = id.parse::<PatientId>() else {
        return Err(PageError {
            page,
            error: AppError::NotFound("patient"),
        });
    };
    let mut p = patient_page(&state, &user, page, id, None).await?;
    p.page.title = p.name.clone();
    Ok(p)
}

#[derive(Deserialize)]
pub struct StartCourseForm {
    format: String,
    /// The day the course started: today, or earlier for a course begun elsewhere.
    #[serde(default)]
    started_on: String,
}

pub async fn start_course(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<StartCourseForm>,
) -> Response {
    let page = ctx(&headers, Some(&user), "patient-start-course", "/");
    let Ok(id) = id.parse::<PatientId>() else {
        return fail(page)(AppError::NotFound("patient")).into_response();
    };
    let input = CourseStartInput {
        patient_id: Some(id.to_string()),
        format: Some(f.format.clone()),
        started_on: Some(f.started_on.clone()),
    };
    let message = match state.app.enter_course(&user.actor(), &input).await {
        Ok(c) => return Redirect::to(&format!("/courses/{}", c.id)).into_response(),
        Err(AppError::Rejected(errors)) => page.t.rules(&errors),
        Err(e) => return fail(page)(e).into_response(),
    };
    match patient_page(&state, &user, page, id, None).await {
        Ok(mut p) => {
            p.start_date = f.started_on;
            p.start_error = Some(message);
            (StatusCode::UNPROCESSABLE_ENTITY, p).into_response()
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct AckForm {
    #[serde(default)]
    note: String,
    version: i64,
}

pub async fn acknowledge_alert(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((pid, aid)): Path<(String, String)>,
    Form(f): Form<AckForm>,
) -> Response {
    let page = ctx(
        &headers,
        Some(&user),
        "alerts-title",
        &format!("/patients/{pid}"),
    );
    let (Ok(pid), Ok(aid)) = (pid.parse::<PatientId>(), aid.parse::<AlertId>()) else {
        return fail(page)(AppError::NotFound("risk alert")).into_response();
    };
    match state
        .app
        .acknowledge_alert(&user.actor(), pid, aid, Some(f.version), &f.note)
        .await
    {
        Ok(_) => Redirect::to(&format!("/patients/{pid}?notice=alert-acknowledged#alerts"))
            .into_response(),
        Err(AppError::Rejected(refused)) => {
            let message = page.t.rules(&refused);
            match patient_page(&state, &user, page, pid, Some(message)).await {
                Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

// ---- Course overview and phase transitions ---------------------------------------------------------

pub struct MoveView {
    pub target: String,
    pub label: String,
    pub unmet: Vec<String>,
    pub unmet_intro: String,
    pub needs_reason: bool,
    pub reason_label: String,
    pub detail_label: String,
}

pub struct PlanSlot {
    pub label: String,
    pub phase: String,
    pub phase_code: &'static str,
    pub state: String,
    pub link: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/course.html")]
pub struct CoursePage {
    pub page: PageCtx,
    pub course_id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub heading: String,
    pub status: String,
    pub status_code: &'static str,
    pub version: i64,
    pub diagnosis: String,
    pub focus: String,
    pub contract: String,
    pub has_open_alert: bool,
    pub sections: Vec<(String, String)>,
    pub moves: Vec<MoveView>,
    pub transition_error: Option<String>,
    pub unmet: Vec<String>,
    pub end_reasons: Vec<(String, String)>,
    pub plan: Vec<PlanSlot>,
    pub comments: Vec<CommentView>,
    pub may_comment: bool,
    pub comment_error: Option<String>,
    pub comment_text: String,
    /// The main measure's trajectory, with a link to the full progress page.
    pub progress: Option<crate::charts::ChartBlock>,
    /// Prompts the scores raise: (text, action). Mid-course not on track; a separate suicide
    /// screen where the main measure asks nothing about suicide.
    pub prompts: Vec<(String, String)>,
    /// The prompt to start the termination discussion, when the core says it is due.
    pub ending: Option<String>,
    /// Perceived support, loneliness, assertiveness and the circle, start against latest.
    pub secondary: crate::sessions::secondary::SecondaryPanel,
}

pub struct CommentView {
    pub author: String,
    pub when: String,
    pub text: String,
}

/// The course page's sub-sections, registered by the modules that serve them.
pub type SectionLinks = fn(&Tr, &str) -> Vec<(String, String)>;

async fn course_page(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: CourseId,
    transition_error: Option<(String, Vec<String>)>,
) -> Result<CoursePage, PageError> {
    let t = page.t;
    let actor = user.actor();
    let view = match state.app.course_view(&actor, id).await {
        Ok(v) => v,
        Err(e) => return Err(fail(page)(e)),
    };
    // The open alerts are read once: for the banner, and as the guards' fact.
    let open_alerts = match state
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
    {
        Ok(a) => a.len(),
        Err(e) => return Err(fail(page)(e)),
    };
    let c = &view.course;
    let protocol = state.app.protocols.get(c.format);
    let facts = view.facts(protocol, open_alerts);
    let open_alert = open_alerts > 0;
    let mut moves: Vec<MoveView> = c
        .next_statuses()
        .into_iter()
        .map(|target| {
            let label = status_label(&t, &target);
            MoveView {
                target: target.code().to_string(),
                unmet: state
                    .app
                    .unmet_guards(c, &target, &facts)
                    .iter()
                    .map(|g| guard_label(&t, g, protocol))
                    .collect(),
                unmet_intro: t.with("course-unmet", &[("status", label.clone())]),
                label: t.with("course-move-to", &[("status", label)]),
                needs_reason: false,
                reason_label: String::new(),
                detail_label: String::new(),
            }
        })
        .collect();
    if c.status.is_open() {
        moves.push(MoveView {
            target: "ended_early".into(),
            label: t.with("course-move-to", &[("status", t.get("status-ended_early"))]),
            unmet: vec![],
            unmet_intro: String::new(),
            needs_reason: true,
            reason_label: t.get("course-end-reason"),
            detail_label: t.get("course-end-detail"),
        });
    }
    let plan = &c.phase_plan;
    let first = if c.format == Format::Brief { 0 } else { 1 };
    let slots = (first
        ..=plan.total.max(
            view.sessions
                .iter()
                .map(|s| s.number.get())
                .max()
                .unwrap_or(0),
        ))
        .map(|n| {
            let held = view.sessions.iter().find(|s| s.number.get() == n);
            let phase = held
                .map(|s| s.phase.phase)
                .unwrap_or_else(|| plan.phase_of(n.max(1)));
            PlanSlot {
                label: session_label(&t, c, n),
                phase: t.get(&format!("phase-{}", phase.code())),
                phase_code: phase.code(),
                state: held
                    .map(|s| {
                        format!(
                            "{} · {}",
                            t.date(s.date),
                            t.get(&format!("attendance-{}", s.attendance.code()))
                        )
                    })
                    .unwrap_or_else(|| t.get("course-planned")),
                link: held.map(|s| format!("/courses/{}/sessions/{}", c.id, s.id)),
            }
        })
        .collect();
    let diagnosis = c
        .diagnosis
        .as_ref()
        .map(|d| d.statement.clone())
        .unwrap_or_else(|| t.get("not-set"));
    let focus = c
        .focus
        .as_ref()
        .map(|f| {
            f.areas()
                .iter()
                .map(|a| {
                    let base = t.get(&format!("area-{}", a.kind().code()));
                    match a.stage() {
                        Some(s) => format!("{base} ({})", t.get(&format!("stage-{}", s.code()))),
                        None => base,
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_else(|| t.get("not-set"));
    let contract = c
        .contract
        .map(|k| {
            t.with(
                "course-contract-summary",
                &[
                    ("sessions", k.sessions.to_string()),
                    (
                        "frequency",
                        t.get(&format!("frequency-{}", k.frequency.code())),
                    ),
                    ("end", t.date(k.end_date)),
                ],
            )
        })
        .unwrap_or_else(|| t.get("not-set"));
    let (transition_error, unmet) = transition_error
        .map(|(m, u)| (Some(m), u))
        .unwrap_or((None, vec![]));
    let sections = (state.section_links)(&t, &c.id.to_string());
    let users = state.app.display_names().await.unwrap_or_default();
    let comments = match state.app.supervisor_comments_in(&actor, &view).await {
        Ok(list) => list
            .into_iter()
            .map(|k| CommentView {
                author: users.get(&k.author).cloned().unwrap_or_default(),
                when: t.date(k.written_at.date()),
                text: k.text,
            })
            .collect(),
        Err(e) => return Err(fail(page)(e)),
    };
    let may_comment = state.app.may_comment_on(&actor, &view).await;
    let progress = crate::charts::main_trajectory(state, &view, &t);
    let prompts = course_prompts(
        &t,
        &ipt_app::prompts::course_prompts(&view, protocol),
        protocol,
    );
    let ending = ipt_domain::signals::ending_discussion_due(c, &view.sessions, state.app.today())
        .map(|due| crate::signals::ending_due(&t, &due));
    let secondary = crate::sessions::secondary::secondary_panel(&t, &view.secondary_outcomes());
    Ok(CoursePage {
        progress,
        prompts,
        ending,
        secondary,
        course_id: c.id.to_string(),
        patient_id: view.patient.id.to_string(),
        patient_name: view.patient.name.as_str().to_string(),
        heading: t.with(
            "course-title",
            &[
                ("format", format_label(&t, c.format)),
                ("patient", view.patient.name.as_str().to_string()),
            ],
        ),
        status: status_label(&t, &c.status),
        status_code: c.status.code(),
        version: c.version,
        diagnosis,
        focus,
        contract,
        has_open_alert: open_alert,
        sections,
        moves,
        transition_error,
        unmet,
        end_reasons: ["dropout", "referred_on", "other"]
            .iter()
            .map(|r| (r.to_string(), t.get(&format!("end-reason-{r}"))))
            .collect(),
        plan: slots,
        comments,
        may_comment,
        comment_error: None,
        comment_text: String::new(),
        page,
    })
}

/// A group member's screening finding, in the facilitator's words: (what it shows, what to do).
fn group_eligibility_prompt(t: &Tr, e: &ipt_domain::eligibility::Eligibility) -> (String, String) {
    use ipt_domain::eligibility::Eligibility;
    match e {
        Eligibility::NotScreened => (
            t.get("course-group-not-screened"),
            t.get("course-group-not-screened-action"),
        ),
        Eligibility::ReferOn(reasons) => (
            t.with(
                "course-group-refer",
                &[(
                    "reasons",
                    reasons
                        .iter()
                        .map(|r| t.get(&format!("course-group-refer-{}", r.code())))
                        .collect::<Vec<_>>()
                        .join("; "),
                )],
            ),
            t.get("course-group-refer-action"),
        ),
        Eligibility::Screened {
            total,
            threshold,
            on,
            at_or_above,
        } => {
            let args = [
                ("total", total.to_string()),
                ("threshold", threshold.to_string()),
                ("date", t.date(*on)),
            ];
            if *at_or_above {
                (
                    t.with("course-group-at-or-above", &args),
                    t.get("course-group-at-or-above-action"),
                )
            } else {
                (
                    t.with("course-group-below", &args),
                    t.get("course-group-below-action"),
                )
            }
        }
    }
}

/// The course page's prompts in the clinician's words: (what the scores show, what to do).
fn course_prompts(
    t: &Tr,
    p: &ipt_app::prompts::CoursePrompts,
    protocol: &ipt_domain::protocol::Protocol,
) -> Vec<(String, String)> {
    let name = |code: &str| {
        ipt_domain::measures::Catalogue::builtin()
            .get(code)
            .map(|i| i.short_name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let mut out = vec![];
    if let Some(r) = &p.mid_course_review {
        let key = if r.deteriorated {
            "course-review-deteriorated"
        } else {
            "course-review-not-on-track"
        };
        out.push((
            t.with(
                key,
                &[
                    ("instrument", name(&r.instrument)),
                    ("baseline", r.baseline.to_string()),
                    ("latest", r.latest.to_string()),
                    ("attended", r.attended.to_string()),
                    ("planned", r.planned.to_string()),
                ],
            ),
            // Lay facilitators of group IPT neither prescribe nor decide on medication
            // (#14, finding 8): they discuss a referral with their supervisor.
            t.get(if protocol.format == Format::Group {
                "course-review-action-group"
            } else {
                "course-review-action"
            }),
        ));
    }
    if p.separate_suicide_screen {
        let main = protocol
            .recommended_instruments
            .first()
            .map(|c| name(c))
            .unwrap_or_default();
        out.push((
            t.with("course-suicide-screen", &[("instrument", main)]),
            t.get("course-suicide-screen-action"),
        ));
    }
    if let Some(e) = &p.group_eligibility {
        out.push(group_eligibility_prompt(t, e));
    }
    if p.safety_plan_due {
        out.push((
            t.get("safety-plan-prompt"),
            t.get("course-safety-plan-action"),
        ));
    }
    for d in &p.secondary_due {
        let at = match d.at {
            ipt_domain::prompts::PlanPoint::Start => "start",
            ipt_domain::prompts::PlanPoint::End => "end",
        };
        out.push((
            t.with(
                &format!("course-secondary-due-{at}"),
                &[("instrument", name(&d.instrument))],
            ),
            t.get("course-secondary-due-action"),
        ));
    }
    out
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    text: String,
}

pub async fn add_comment(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<CommentForm>,
) -> Response {
    let page = ctx(
        &headers,
        Some(&user),
        "course-status",
        &format!("/courses/{id}"),
    );
    let Ok(id) = id.parse::<CourseId>() else {
        return fail(page)(AppError::NotFound("course")).into_response();
    };
    match state
        .app
        .add_supervisor_comment(&user.actor(), id, None, &f.text)
        .await
    {
        Ok(_) => Redirect::to(&format!("/courses/{id}#supervision")).into_response(),
        Err(AppError::Rejected(refused)) => {
            match course_page(&state, &user, page, id, None).await {
                Ok(mut p) => {
                    // The comment box words its refusals as the comment's.
                    let refused = crate::refusals::renamed(&refused, &[("text", "comment")]);
                    p.comment_error = Some(p.page.t.rules(&refused));
                    p.comment_text = f.text;
                    (StatusCode::UNPROCESSABLE_ENTITY, p).into_response()
                }
                Err(e) => e.into_response(),
            }
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn show_course(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<CoursePage, PageError> {
    let page = with_notice(
        ctx(
            &headers,
            Some(&user),
            "course-status",
            &format!("/courses/{id}"),
        ),
        &q,
    );
    let Ok(id) = id.parse::<CourseId>() else {
        return Err(PageError {
            page,
            error: AppError::NotFound("course"),
        });
    };
    let mut p = course_page(&state, &user, page, id, None).await?;
    p.page.title = p.heading.clone();
    if q.get("notice").is_some_and(|n| n == "course-moved") {
        let t = p.page.t;
        p.page
            .notices
            .push(t.with("course-moved", &[("status", p.status.clone())]));
    }
    Ok(p)
}

#[derive(Deserialize)]
pub struct TransitionForm {
    target: String,
    version: i64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    detail: String,
}

pub async fn transition(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<TransitionForm>,
) -> Response {
    let page = ctx(
        &headers,
        Some(&user),
        "course-status",
        &format!("/courses/{id}"),
    );
    let t = page.t;
    let Ok(id) = id.parse::<CourseId>() else {
        return fail(page)(AppError::NotFound("course")).into_response();
    };
    // Access first: input errors must not tell a stranger that the course exists.
    let format = match state
        .app
        .course_with(&user.actor(), id, ipt_app::access::Access::Write)
        .await
    {
        Ok(c) => c.format,
        Err(e) => return fail(page)(e).into_response(),
    };
    let input = TransitionInput {
        target: Some(f.target.clone()),
        end_reason: Some(f.reason.clone()),
        end_detail: Some(f.detail.clone()),
    };
    match state
        .app
        .enter_transition(&user.actor(), id, Some(f.version), &input)
        .await
    {
        Ok(c) => Redirect::to(&format!("/courses/{}?notice=course-moved", c.id)).into_response(),
        Err(AppError::Transition(TransitionError::Unmet { unmet, to })) => {
            let msg = t.with("course-unmet", &[("status", status_label(&t, &to))]);
            let protocol = state.app.protocols.get(format);
            let list = unmet.iter().map(|g| guard_label(&t, g, protocol)).collect();
            course_error(&state, &user, page, id, msg, list).await
        }
        Err(AppError::Conflict { .. }) => {
            course_error(&state, &user, page, id, t.get("error-conflict"), vec![]).await
        }
        Err(AppError::Transition(TransitionError::NotAllowed { from, to })) => {
            let msg = t.with(
                "course-move-not-allowed",
                &[
                    ("from", status_label(&t, &from)),
                    ("to", status_label(&t, &to)),
                ],
            );
            course_error(&state, &user, page, id, msg, vec![]).await
        }
        Err(AppError::Rejected(refused)) => {
            // The form calls the reason and its words `reason` and `detail`.
            let msg = t.rules(&refused);
            course_error(&state, &user, page, id, msg, vec![]).await
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

async fn course_error(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: CourseId,
    msg: String,
    unmet: Vec<String>,
) -> Response {
    match course_page(state, user, page, id, Some((msg, unmet))).await {
        Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
        Err(e) => e.into_response(),
    }
}

// ---- Users (administrators) ---------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "pages/users.html")]
pub struct UsersPage {
    pub page: PageCtx,
    pub users: Vec<UserRow>,
    /// (id, name) of every active supervisor, for the supervisor choice.
    pub supervisors: Vec<(String, String)>,
    pub fields: Vec<Input>,
    pub has_errors: bool,
    pub form_error: Option<String>,
    /// What the core refused when a supervisor was assigned, and to whom.
    pub supervisor_error: Option<(String, String)>,
}

pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub active: String,
    /// Clinicians only: their supervisor's id ("" for none) and the account's version.
    pub supervision: Option<(String, i64)>,
}

#[derive(Deserialize, Default)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

async fn users_page(
    state: &AppState,
    page: PageCtx,
    f: &UserForm,
    errors: HashMap<&'static str, String>,
    form_error: Option<String>,
) -> UsersPage {
    let t = page.t;
    let accounts = state.app.users().await.unwrap_or_default();
    let supervisors = accounts
        .iter()
        .filter(|u| u.role == Role::Supervisor && u.active)
        .map(|u| (u.id.to_string(), u.display_name.clone()))
        .collect();
    let users = accounts
        .into_iter()
        .map(|u| UserRow {
            id: u.id.to_string(),
            supervision: (u.role == Role::Clinician).then(|| {
                (
                    u.supervisor.map(|s| s.to_string()).unwrap_or_default(),
                    u.version,
                )
            }),
            role: t.get(&format!("role-{}", u.role.code())),
            active: t.get(if u.active { "yes" } else { "no" }),
            username: u.username,
            display_name: u.display_name,
        })
        .collect();
    let mut fields = vec![
        field("username", t.get("users-username"), "text", &f.username).required(),
        field(
            "display_name",
            t.get("users-display-name"),
            "text",
            &f.display_name,
        ),
        field(
            "role",
            t.get("users-role"),
            "select",
            if f.role.is_empty() {
                "clinician"
            } else {
                &f.role
            },
        )
        .options(
            Role::ALL
                .iter()
                .map(|r| (r.code().to_string(), t.get(&format!("role-{}", r.code()))))
                .collect(),
        ),
        field("password", t.get("users-password"), "password", "")
            .hint(t.get("users-password-hint"))
            .required(),
    ];
    for field in &mut fields {
        field.error = errors.get(field.name.as_str()).cloned();
    }
    UsersPage {
        page,
        users,
        supervisors,
        has_errors: !errors.is_empty(),
        form_error,
        supervisor_error: None,
        fields,
    }
}

#[derive(Deserialize)]
pub struct SupervisorForm {
    #[serde(default)]
    supervisor_id: String,
    version: i64,
}

/// `POST /admin/users/{id}/supervisor`: assign a clinician's supervisor, or clear it.
pub async fn assign_supervisor(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<SupervisorForm>,
) -> Response {
    let page = ctx(&headers, Some(&user), "users-title", "/admin/users");
    let t = page.t;
    let Ok(clinician) = id.parse::<UserId>() else {
        return fail(page)(AppError::NotFound("user")).into_response();
    };
    match state
        .app
        .assign_supervisor(
            &user.actor(),
            clinician,
            Some(&f.supervisor_id),
            Some(f.version),
        )
        .await
    {
        Ok(_) => Redirect::to("/admin/users?notice=users-supervisor-saved").into_response(),
        Err(AppError::Rejected(refused)) => {
            let message = t.rules(&refused);
            supervisor_refused(&state, page, id, message, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict { .. }) => {
            let message = t.get("error-conflict");
            supervisor_refused(&state, page, id, message, StatusCode::CONFLICT).await
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

/// The users page again, with what was refused beside the clinician's row.
async fn supervisor_refused(
    state: &AppState,
    page: PageCtx,
    clinician: String,
    message: String,
    status: StatusCode,
) -> Response {
    let mut p = users_page(state, page, &UserForm::default(), HashMap::new(), None).await;
    p.supervisor_error = Some((clinician, message));
    (status, p).into_response()
}

pub async fn users(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<UsersPage, PageError> {
    let page = with_notice(
        ctx(&headers, Some(&user), "users-title", "/admin/users"),
        &q,
    );
    if user.role != Role::Admin {
        return Err(PageError {
            page,
            error: AppError::Forbidden,
        });
    }
    Ok(users_page(&state, page, &UserForm::default(), HashMap::new(), None).await)
}

pub async fn add_user(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(f): Form<UserForm>,
) -> Response {
    let page = ctx(&headers, Some(&user), "users-title", "/admin/users");
    if user.role != Role::Admin {
        return fail(page)(AppError::Forbidden).into_response();
    }
    let t = page.t;
    let input = ipt_app::UserInput {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        password: f.password.clone(),
    };
    match state.app.enter_user(&user.actor(), &input, true).await {
        Ok(_) => Redirect::to("/admin/users?notice=users-added").into_response(),
        Err(AppError::Rejected(refused)) => {
            let (errors, rest) = crate::refusals::place(
                &t,
                &refused,
                &["username", "display_name", "role", "password"],
            );
            let form_error = (!rest.is_empty()).then(|| rest.join(" "));
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                users_page(&state, page, &f, errors, form_error).await,
            )
                .into_response()
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn the_language_switch_goes_back_only_to_a_path_on_this_site() {
        for good in ["/", "/caseload", "/courses/1?tab=notes#x", "/portal/help"] {
            assert_eq!(same_site_path(good), Some(good));
        }
        for bad in [
            "",
            "caseload",
            "//evil.example",
            "/\\evil.example",
            "/a\\b",
            "https://evil.example",
            "/a\r\nSet-Cookie: x=1",
            "/a\u{0}b",
            "/a b",
            "/é",
        ] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
    }
}
