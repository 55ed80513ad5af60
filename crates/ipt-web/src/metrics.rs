//! Prometheus metrics on our own `/metrics` route: requests by route and status, latency
//! histograms, and database pool use.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// Latency buckets in seconds: fine below 100 ms where pages should be, coarse above.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
}

impl Metrics {
    /// The process-wide recorder (installed once, however many routers a test builds).
    pub fn install() -> Self {
        static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
        let handle = HANDLE
            .get_or_init(|| {
                let recorder = PrometheusBuilder::new()
                    .set_buckets_for_metric(
                        Matcher::Full("http_request_duration_seconds".into()),
                        BUCKETS,
                    )
                    .expect("valid buckets")
                    .build_recorder();
                let handle = recorder.handle();
                // Another recorder may already be set (a test binary that built one first).
                let _ = metrics::set_global_recorder(recorder);
                handle
            })
            .clone();
        Self { handle }
    }
}

/// Count and time every request, labelled by its route template (never the raw path, which
/// would carry ids and explode the label set).
pub async fn track(State(_): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().to_string();
    let start = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    response
}

pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let pool = state.app.pool_stats();
    let backend = state.app.backend();
    metrics::gauge!("db_pool_connections", "backend" => backend, "state" => "open")
        .set(pool.size as f64);
    metrics::gauge!("db_pool_connections", "backend" => backend, "state" => "idle")
        .set(pool.idle as f64);
    metrics::gauge!("db_pool_connections_max", "backend" => backend).set(pool.max as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.handle.render(),
    )
}
