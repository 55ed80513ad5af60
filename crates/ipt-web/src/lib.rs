//! The HTTP edge of IPT Workbench. Only this crate knows about HTTP: it parses requests into
//! domain types, calls the app, and maps results and errors to pages, problem JSON or metrics.

pub mod health;
pub mod metrics;
pub mod problem;
pub mod protocols;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use ipt_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: metrics::Metrics,
    pub started: Arc<std::time::Instant>,
}

impl AppState {
    pub fn new(app: App) -> Self {
        Self {
            app,
            metrics: metrics::Metrics::install(),
            started: Arc::new(std::time::Instant::now()),
        }
    }
}

/// The whole router, with its middleware.
pub fn router(state: AppState) -> Router {
    let request_id = axum::http::HeaderName::from_static("x-request-id");
    Router::new()
        .route("/", get(protocols::index))
        .route("/protocols", get(protocols::page))
        .route("/api/v1/protocols", get(protocols::json))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .fallback(problem::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                // Ids and routes only: paths never carry names or clinical text.
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
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
