//! The patient's mood diary in the clinician's course workspace (`/courses/{id}/diary`): the
//! same chart, history and "people and mood" summary the patient sees, worded for a clinician.
//! Whoever may read the course may read its diary; anyone else gets the same 404 as for a
//! course that does not exist.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use ipt_domain::ids::CourseId;

use super::diary::{DiaryBlocks, Voice, blocks};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::kit::{PageCtx, PageError, ctx, fail, format_label};

#[derive(Template, WebTemplate)]
#[template(path = "portal/clinician_diary.html")]
pub struct ClinicianDiaryPage {
    pub page: PageCtx,
    pub patient_href: String,
    pub patient_name: String,
    pub course_href: String,
    pub course_title: String,
    /// (address, label) of the course's sections.
    pub sections: Vec<(String, String)>,
    pub intro: String,
    pub blocks: Option<DiaryBlocks>,
}

/// `GET /courses/{id}/diary`.
pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<ClinicianDiaryPage, PageError> {
    let page = ctx(
        &headers,
        Some(&user),
        "portal-diary-clin-title",
        &format!("/courses/{id}/diary"),
    );
    let Ok(id) = id.parse::<CourseId>() else {
        return Err(fail(page)(ipt_app::AppError::NotFound("course")));
    };
    let (patient, view) = match state.app.course_diary(&user.actor(), id).await {
        Ok(v) => v,
        Err(e) => return Err(fail(page)(e)),
    };
    let t = page.t;
    let name = patient.name.as_str().to_string();
    Ok(ClinicianDiaryPage {
        patient_href: format!("/patients/{}", patient.id),
        course_href: format!("/courses/{id}"),
        course_title: t.with(
            "course-title",
            &[
                ("format", format_label(&t, view.course.format)),
                ("patient", name.clone()),
            ],
        ),
        patient_name: name,
        sections: (state.section_links)(&t, &id.to_string()),
        intro: t.get("portal-diary-clin-intro"),
        blocks: Some(blocks(&t, &view, Voice::Clinician, false)),
        page,
    })
}
