//! The HTTP edge of IPT Workbench. Only this crate knows about HTTP: it parses requests into
//! domain types, calls the app, and maps results and errors to pages, problem JSON or metrics.

pub mod analytics;
pub mod api;
pub mod auth;
pub mod charts;
pub mod export;
pub mod health;
pub mod i18n;
pub mod initial;
pub mod kit;
pub mod metrics;
pub mod pages;
pub mod portal;
pub mod problem;
pub mod protocols;
pub mod refusals;
pub mod reports;
pub mod second_factor;
pub mod sessions;
pub mod signals;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use ipt_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Settings of the web edge.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// A signed-in session ends after this long without a request.
    pub idle_timeout: Duration,
    /// Mark cookies `Secure` (set when the server is reached over TLS).
    pub secure_cookies: bool,
    /// The site's crisis resources per language, shown by the patient portal.
    pub crisis: portal::crisis::CrisisResources,
    /// How long a new portal invitation lasts unless the clinician says otherwise, in hours.
    pub invitation_hours: i64,
}

impl Default for WebOptions {
    fn default() -> Self {
        Self {
            idle_timeout: ipt_app::usecases::web_sessions::IDLE_TIMEOUT,
            secure_cookies: false,
            crisis: portal::crisis::CrisisResources::default(),
            invitation_hours: 72,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: metrics::Metrics,
    pub started: Arc<std::time::Instant>,
    pub options: Arc<WebOptions>,
    /// Links to the course page's sections (inventory, timeline, sessions …).
    pub section_links: pages::SectionLinks,
}

impl AppState {
    pub fn new(app: App) -> Self {
        Self::with_options(app, WebOptions::default())
    }

    pub fn with_options(app: App, options: WebOptions) -> Self {
        Self {
            app: app.with_hasher(Arc::new(portal::access::BlockingHasher)),
            metrics: metrics::Metrics::install(),
            started: Arc::new(std::time::Instant::now()),
            options: Arc::new(options),
            section_links: course_sections,
        }
    }
}

/// The sections of a course workspace, in the order a course runs.
fn course_sections(t: &i18n::Tr, course: &str) -> Vec<(String, String)> {
    [
        ("indication", "section-indication"),
        ("measures", "section-measures"),
        ("inventory", "section-inventory"),
        ("timeline", "section-timeline"),
        ("suggestions", "section-suggestions"),
        ("formulation", "section-formulation"),
        ("contract", "section-contract"),
        ("sessions", "section-sessions"),
        ("goals", "section-goals"),
        ("diary", "section-diary"),
        ("portal", "section-portal"),
        ("progress", "section-progress"),
        ("safety", "section-safety"),
        ("termination", "section-termination"),
        ("summary", "section-summary"),
    ]
    .iter()
    .map(|(path, key)| (format!("/courses/{course}/{path}"), t.get(key)))
    .collect()
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../assets/style.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../assets/app.js"),
    )
}

/// The whole router, with its middleware.
pub fn router(state: AppState) -> Router {
    let request_id = axum::http::HeaderName::from_static("x-request-id");
    let signed_in = Router::new()
        .route("/caseload", get(pages::caseload))
        .route("/patients/new", get(pages::new_patient))
        .route("/patients", post(pages::create_patient))
        .route("/patients/{id}", get(pages::show_patient))
        .route("/patients/{id}/courses", post(pages::start_course))
        .route(
            "/patients/{pid}/alerts/{aid}/acknowledge",
            post(pages::acknowledge_alert),
        )
        .route("/courses/{id}", get(pages::show_course))
        .route("/courses/{id}/transition", post(pages::transition))
        .route("/courses/{id}/comments", post(pages::add_comment))
        .route("/admin/users", get(pages::users).post(pages::add_user))
        .route("/account/security", get(second_factor::account))
        .route(
            "/account/security/enrol",
            post(second_factor::account_enrol),
        )
        .route(
            "/account/security/confirm",
            post(second_factor::account_confirm),
        )
        .route(
            "/account/security/recovery-codes",
            post(second_factor::account_recovery_codes),
        )
        .route("/account/security/off", post(second_factor::account_off))
        .route(
            "/admin/users/{id}/supervisor",
            post(pages::assign_supervisor),
        )
        .merge(initial::routes())
        .merge(sessions::routes())
        .merge(charts::routes())
        .merge(export::routes())
        .merge(reports::routes())
        .merge(api::routes())
        .merge(analytics::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_user,
        ));
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route(
            "/login/code",
            get(second_factor::code_form).post(second_factor::code),
        )
        .route(
            "/login/enrol",
            get(second_factor::enrol_form).post(second_factor::enrol),
        )
        .route("/logout", post(pages::logout))
        .route("/language", post(pages::set_language))
        .route("/assets/style.css", get(stylesheet))
        .route("/assets/app.js", get(script))
        .route("/about", get(protocols::index))
        .route("/protocols", get(protocols::page))
        .route("/api/v1/protocols", get(protocols::json))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .merge(portal::routes(state.clone()))
        .merge(signed_in)
        .fallback(problem::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(CsrfLayer::new())
        .layer(axum::middleware::from_fn(security_headers))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                // Ids and routes only: paths never carry names or clinical text, and the
                // secret token of a portal invitation link is never written down.
                let path = portal::access::loggable_path(req.uri().path());
                tracing::info_span!("http", method = %req.method(), path = %path)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(RequestBodyLimitLayer::new(1024 * 1024))
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

/// Headers every response carries: no framing, no sniffing, no referrer leaks, and pages that
/// hold patient data are never cached.
async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(
            axum::http::HeaderName::from_static(k),
            axum::http::HeaderValue::from_static(v),
        );
    };
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(
        h,
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
    res
}
