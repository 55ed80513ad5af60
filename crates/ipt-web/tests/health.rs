use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use ipt_app::App;
use ipt_app::ports::SystemClock;
use ipt_domain::protocol::ProtocolCatalogue;
use ipt_store_tests::harness::{self, TestDb};
use tower::ServiceExt;

fn router(db: &TestDb) -> axum::Router {
    let app = App::new(
        db.store.clone(),
        Arc::new(SystemClock),
        ProtocolCatalogue::default(),
    );
    ipt_web::router(ipt_web::AppState::new(app))
}

/// GET through the whole router; an answer under `/api/v1` is checked against the OpenAPI
/// document like every other test's (`openapi_check`).
async fn get(router: &axum::Router, path: &str) -> (StatusCode, String, String) {
    let res = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body =
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    crate::openapi_check::check("GET", path, status.as_u16(), &ctype, &body);
    (status, ctype, body)
}

async fn backends() -> Vec<TestDb> {
    let mut v = vec![harness::sqlite().await];
    if let Some(pg) = harness::postgres().await {
        v.push(pg);
    }
    v
}

#[tokio::test]
async fn health_and_readiness_answer_200_with_a_live_database() {
    for db in backends().await {
        let r = router(&db);
        let (status, _, body) = get(&r, "/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("\"status\":\"ok\""), "{body}");
        let (status, _, body) = get(&r, "/readyz").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains(db.store.backend()), "{body}");
    }
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let db = harness::sqlite().await;
    let r = router(&db);
    db.sqlite.as_ref().unwrap().pool.close().await;
    let (status, _, body) = get(&r, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("unavailable"), "{body}");
    let (status, _, _) = get(&r, "/healthz").await;
    assert_eq!(status, StatusCode::OK, "the process itself is still alive");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_the_pool() {
    let db = harness::sqlite().await;
    let r = router(&db);
    get(&r, "/healthz").await;
    get(&r, "/no/such/page").await;
    let (status, ctype, body) = get(&r, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/plain"), "{ctype}");
    assert!(body.contains("http_requests_total"), "{body}");
    assert!(body.contains("route=\"/healthz\""), "{body}");
    assert!(body.contains("status=\"404\""), "{body}");
    assert!(
        body.contains("http_request_duration_seconds_bucket"),
        "{body}"
    );
    assert!(body.contains("db_pool_connections"), "{body}");
}

#[tokio::test]
async fn unknown_addresses_get_problem_json() {
    let db = harness::sqlite().await;
    let (status, ctype, body) = get(&router(&db), "/api/v1/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(ctype, "application/problem+json");
    assert!(body.contains("\"status\":404"), "{body}");
}

#[tokio::test]
async fn the_protocol_catalogue_is_served_as_json_and_html() {
    let db = harness::sqlite().await;
    let r = router(&db);
    let (status, _, body) = get(&r, "/api/v1/protocols").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let formats: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats.len(), 9);
    assert!(formats.contains(&"group") && formats.contains(&"maintenance"));
    let individual = &v[0];
    assert_eq!(
        individual["phases"][0]["sessions"],
        serde_json::json!([1, 3])
    );
    let (status, ctype, html) = get(&r, "/protocols").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    assert!(html.contains("Group IPT (WHO)") && html.contains("<th scope=\"col\">Format</th>"));
}
