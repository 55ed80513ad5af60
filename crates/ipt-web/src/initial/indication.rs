//! `/courses/{id}/indication`: the indication record (DSM-5 criterion-A checklist, duration,
//! severity, the interpersonal link, first-line reasons, escalation flags with their guideline
//! prompts) and the clinician's diagnosis. The checklist gives a finding for the clinician to
//! weigh; the diagnosis is always the clinician's own statement.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ipt_app::AppError;
use ipt_domain::course::{Course, DepressionSeverity, DiagnosisInput};
use ipt_domain::indication::{
    CriteriaFinding, EscalationFlag, FirstLineReason, IndicationInput, IndicationRecord, Symptom,
};
use ipt_domain::measures::phq9::ScreeningFinding;
use ipt_domain::prompts::SuggestedFlag;

use super::form::{Choices, Errors, FormData, Input, Posted};
use super::view::{Head, REFUSED, STALE, load_page, page_ctx, respond, saved, write_access};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, fail};
use crate::refusals::renamed;

/// The indication form's values, as typed or as saved.
pub struct IndicationValues {
    symptoms: Vec<String>,
    two_weeks: bool,
    severity: String,
    link: String,
    reasons: Vec<String>,
    flags: Vec<String>,
}

impl IndicationValues {
    fn of(r: &IndicationRecord) -> Self {
        Self {
            symptoms: r.symptoms.iter().map(|s| s.code().to_string()).collect(),
            two_weeks: r.two_weeks_or_more,
            severity: r.severity.map(|s| s.code().to_string()).unwrap_or_default(),
            link: r.interpersonal_link.clone(),
            reasons: r
                .first_line_reasons
                .iter()
                .map(|s| s.code().to_string())
                .collect(),
            flags: r
                .escalation_flags
                .iter()
                .map(|s| s.code().to_string())
                .collect(),
        }
    }

    fn posted(f: &FormData) -> Self {
        let list = |name| f.all(name).into_iter().map(str::to_string).collect();
        Self {
            symptoms: list("symptom"),
            two_weeks: f.checked("two_weeks"),
            severity: f.get("severity").trim().to_string(),
            link: f.get("interpersonal_link").to_string(),
            reasons: list("first_line"),
            flags: list("flag"),
        }
    }
}

/// The diagnosis form's values.
pub struct DiagnosisValues {
    statement: String,
    severity: String,
    date: String,
}

impl DiagnosisValues {
    fn of(c: &Course, today: time::Date) -> Self {
        match &c.diagnosis {
            Some(d) => Self {
                statement: d.statement.clone(),
                severity: d.severity.code().to_string(),
                date: d.recorded_on.to_string(),
            },
            None => Self {
                statement: String::new(),
                severity: c
                    .indication
                    .severity
                    .map(|s| s.code().to_string())
                    .unwrap_or_default(),
                date: today.to_string(),
            },
        }
    }

    fn posted(f: &FormData) -> Self {
        Self {
            statement: f.get("statement").to_string(),
            severity: f.get("severity").trim().to_string(),
            date: f.get("recorded_on").trim().to_string(),
        }
    }
}

pub struct IndicationForm {
    pub symptoms: Choices,
    pub fields: Vec<Input>,
    pub reasons: Choices,
    pub flags: Choices,
    pub version: i64,
    pub message: Option<String>,
    pub has_errors: bool,
}

pub struct DiagnosisForm {
    pub fields: Vec<Input>,
    pub version: i64,
    pub message: Option<String>,
    pub has_errors: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/indication.html")]
pub struct IndicationPage {
    pub page: PageCtx,
    pub head: Head,
    pub finding: String,
    pub finding_count: String,
    /// Guideline prompts of the saved flags: (text, source).
    pub prompts: Vec<(String, String)>,
    /// Flags the scores on file suggest, not ticked: (flag, evidence, source).
    pub suggestions: Vec<(String, String, String)>,
    /// The latest PHQ-9 and the PHQ-9 algorithm's screening finding: (score line, finding,
    /// symptom counts).
    pub phq9: Option<(String, String, String)>,
    pub diagnosis: Option<String>,
    pub indication: IndicationForm,
    pub dx: DiagnosisForm,
}

pub fn symptom_label(t: &Tr, s: Symptom) -> String {
    t.get(&format!("initial-symptom-{}", s.code()))
}

pub fn flag_prompt(t: &Tr, f: EscalationFlag) -> (String, String) {
    (
        t.get(&format!("initial-flag-prompt-{}", f.code())),
        f.prompt().source.to_string(),
    )
}

fn short_name(code: &str) -> String {
    ipt_domain::measures::Catalogue::builtin()
        .get(code)
        .map(|i| i.short_name.clone())
        .unwrap_or_else(|| code.to_string())
}

/// What suggests a flag, in the clinician's words: the instrument, its score and its date.
pub fn suggestion_evidence(t: &Tr, s: &SuggestedFlag) -> String {
    let e = &s.evidence;
    let items = e
        .risk_items
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    t.with(
        &format!("initial-suggested-{}", s.flag.code()),
        &[
            ("instrument", short_name(&e.instrument)),
            (
                "total",
                e.total.map(|v| v.to_string()).unwrap_or_else(|| "–".into()),
            ),
            ("date", t.date(e.on)),
            (
                "threshold",
                s.at_least.map(|v| v.to_string()).unwrap_or_default(),
            ),
            ("items", items),
        ],
    )
}

/// The PHQ-9 algorithm's finding in the clinician's words (decision support, never a
/// diagnosis).
pub fn screening_text(t: &Tr, f: ScreeningFinding) -> String {
    t.get(&format!("initial-screening-{}", f.code()))
}

fn finding_text(t: &Tr, f: CriteriaFinding) -> String {
    t.get(match f {
        CriteriaFinding::ConsistentWithMajorDepressiveEpisode => "initial-finding-consistent",
        CriteriaFinding::BelowThreshold => "initial-finding-below",
        CriteriaFinding::DurationNotConfirmed => "initial-finding-duration",
    })
}

fn severity_options(t: &Tr, empty_key: Option<&str>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = empty_key
        .map(|k| vec![(String::new(), t.get(k))])
        .unwrap_or_default();
    v.extend(DepressionSeverity::ALL.iter().map(|s| {
        (
            s.code().to_string(),
            t.get(&format!("severity-{}", s.code())),
        )
    }));
    v
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    q: &HashMap<String, String>,
    ind: Option<Posted<IndicationValues>>,
    dx: Option<Posted<DiagnosisValues>>,
) -> Result<IndicationPage, PageError> {
    let (page, view, head) = load_page(state, user, page, id, "indication", q).await?;
    let t = page.t;
    let c = &view.course;
    let today = state.app.today();
    let record = &c.indication;
    let support = ipt_app::prompts::indication_support(&view, state.app.protocols.get(c.format));
    let suggested = |f: EscalationFlag| support.suggested_flags.iter().find(|s| s.flag == f);

    // The indication form.
    let saved_ind = IndicationValues::of(record);
    let (values, errors, version, stale, message) = match ind {
        Some(p) => (
            p.values,
            p.errors,
            p.version.unwrap_or(c.version),
            p.stale,
            p.message,
        ),
        None => (
            IndicationValues::of(record),
            Errors::new(),
            c.version,
            false,
            None,
        ),
    };
    let when = |s: bool| if s { Some(()) } else { None };
    let stale_on = when(stale);
    let symptoms = Choices::new(
        "symptom",
        "checkbox",
        t.get("initial-symptoms"),
        Symptom::ALL
            .iter()
            .map(|s| (s.code().to_string(), symptom_label(&t, *s), None))
            .collect(),
        &values.symptoms,
    )
    .hint(t.get("initial-symptoms-hint"))
    .error_from(&errors)
    .saved_from(stale_on.map(|_| saved_ind.symptoms.as_slice()), &t);
    let fields = vec![
        Input::new(
            "two_weeks",
            t.get("initial-two-weeks"),
            "checkbox",
            if values.two_weeks { "on" } else { "" },
        )
        .error_from(&errors)
        .saved_from(
            stale_on.map(|_| if saved_ind.two_weeks { "on" } else { "" }),
            &t,
        ),
        Input::new(
            "severity",
            t.get("initial-severity"),
            "select",
            &values.severity,
        )
        .scoped("ind")
        .options(severity_options(&t, Some("initial-severity-not-judged")))
        .error_from(&errors)
        .saved_from(stale_on.map(|_| saved_ind.severity.as_str()), &t),
        Input::new(
            "interpersonal_link",
            t.get("initial-interpersonal-link"),
            "textarea",
            &values.link,
        )
        .hint(t.get("initial-interpersonal-link-hint"))
        .error_from(&errors)
        .saved_from(stale_on.map(|_| saved_ind.link.as_str()), &t),
    ];
    let reasons = Choices::new(
        "first_line",
        "checkbox",
        t.get("initial-first-line"),
        FirstLineReason::ALL
            .iter()
            .map(|r| {
                (
                    r.code().to_string(),
                    t.get(&format!("initial-first-line-{}", r.code())),
                    None,
                )
            })
            .collect(),
        &values.reasons,
    )
    .hint(t.get("initial-first-line-hint"))
    .error_from(&errors)
    .saved_from(stale_on.map(|_| saved_ind.reasons.as_slice()), &t);
    let flags = Choices::new(
        "flag",
        "checkbox",
        t.get("initial-flags"),
        EscalationFlag::ALL
            .iter()
            .map(|f| {
                let (text, source) = flag_prompt(&t, *f);
                // The scores' suggestion sits beside the flag; the clinician ticks it or not.
                let hint = match suggested(*f) {
                    Some(s) => format!(
                        "{text} ({source}) {}",
                        t.with(
                            "initial-suggested-beside",
                            &[("evidence", suggestion_evidence(&t, s))]
                        )
                    ),
                    None => format!("{text} ({source})"),
                };
                (
                    f.code().to_string(),
                    t.get(&format!("initial-flag-{}", f.code())),
                    Some(hint),
                )
            })
            .collect(),
        &values.flags,
    )
    .hint(t.get("initial-flags-hint"))
    .error_from(&errors)
    .saved_from(stale_on.map(|_| saved_ind.flags.as_slice()), &t);
    let indication = IndicationForm {
        symptoms,
        fields,
        reasons,
        flags,
        version,
        has_errors: !errors.is_empty(),
        message,
    };

    // The diagnosis form.
    let saved_dx = DiagnosisValues::of(c, today);
    let (values, errors, version, stale, message) = match dx {
        Some(p) => (
            p.values,
            p.errors,
            p.version.unwrap_or(c.version),
            p.stale,
            p.message,
        ),
        None => (
            DiagnosisValues::of(c, today),
            Errors::new(),
            c.version,
            false,
            None,
        ),
    };
    let stale_on = when(stale && c.diagnosis.is_some());
    let dx = DiagnosisForm {
        fields: vec![
            Input::new(
                "statement",
                t.get("initial-diagnosis-statement"),
                "text",
                &values.statement,
            )
            .hint(t.get("initial-diagnosis-statement-hint"))
            .required()
            .error_from(&errors)
            .saved_from(stale_on.map(|_| saved_dx.statement.as_str()), &t),
            Input::new(
                "severity",
                t.get("initial-diagnosis-severity"),
                "select",
                &values.severity,
            )
            .scoped("dx")
            .options(severity_options(&t, Some("initial-choose")))
            .error_from(&errors)
            .saved_from(stale_on.map(|_| saved_dx.severity.as_str()), &t),
            Input::new(
                "recorded_on",
                t.get("initial-diagnosis-date"),
                "date",
                &values.date,
            )
            .required()
            .error_from(&errors)
            .saved_from(stale_on.map(|_| saved_dx.date.as_str()), &t),
        ],
        version,
        has_errors: !errors.is_empty(),
        message,
    };

    let diagnosis = c.diagnosis.as_ref().map(|d| {
        t.with(
            "initial-diagnosis-current",
            &[
                ("statement", d.statement.clone()),
                (
                    "severity",
                    t.get(&format!("severity-{}", d.severity.code())),
                ),
                ("date", t.date(d.recorded_on)),
            ],
        )
    });
    let title = t.get("section-indication");
    let mut page = page;
    page.title = format!("{title} · {}", head.patient_name);
    Ok(IndicationPage {
        finding: finding_text(&t, record.a_criteria()),
        finding_count: t.with(
            "initial-finding-count",
            &[
                ("n", record.symptoms.len().to_string()),
                (
                    "core",
                    t.get(if record.core_symptom_present() {
                        "yes"
                    } else {
                        "no"
                    }),
                ),
            ],
        ),
        prompts: record
            .escalation_flags
            .iter()
            .map(|f| flag_prompt(&t, *f))
            .collect(),
        suggestions: support
            .suggested_flags
            .iter()
            .map(|s| {
                (
                    t.get(&format!("initial-flag-{}", s.flag.code())),
                    suggestion_evidence(&t, s),
                    s.source.clone(),
                )
            })
            .collect(),
        phq9: support.phq9.as_ref().map(|p| {
            (
                t.with(
                    "initial-phq9-latest",
                    &[
                        (
                            "total",
                            p.total.map(|v| v.to_string()).unwrap_or_else(|| "–".into()),
                        ),
                        ("date", t.date(p.on)),
                    ],
                ),
                screening_text(&t, p.screen.finding),
                t.with(
                    "initial-phq9-counts",
                    &[
                        ("total", p.screen.total_symptoms.to_string()),
                        ("core", p.screen.core_symptoms.to_string()),
                    ],
                ),
            )
        }),
        diagnosis,
        indication,
        dx,
        head,
        page,
    })
}

fn path(id: &str) -> String {
    format!("/courses/{id}/indication")
}

/// The indication form's names for the fields the core names otherwise.
const INDICATION_NAMES: &[(&str, &str)] = &[
    ("symptoms", "symptom"),
    ("first_line_reasons", "first_line"),
    ("escalation_flags", "flag"),
];

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<IndicationPage, PageError> {
    let page = page_ctx(&headers, &user, "section-indication", &path(&id));
    render(&state, &user, page, &id, &q, None, None).await
}

pub async fn save_indication(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-indication", &path(&id));
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let f = FormData(pairs);
    let values = IndicationValues::posted(&f);
    let q = HashMap::new();
    let input = IndicationInput {
        symptoms: values.symptoms.clone(),
        two_weeks_or_more: values.two_weeks,
        severity: Some(values.severity.clone()),
        interpersonal_link: values.link.clone(),
        first_line_reasons: values.reasons.clone(),
        escalation_flags: values.flags.clone(),
    };
    match state
        .app
        .enter_indication(&user.actor(), course.id, f.version_given(), &input)
        .await
    {
        Ok(_) => saved(&id, "indication", "indication"),
        Err(AppError::Conflict { .. }) => {
            let posted = Posted::stale(values, &t);
            respond(
                render(&state, &user, page, &id, &q, Some(posted), None).await,
                STALE,
            )
        }
        Err(AppError::Rejected(refused)) => {
            let refused = renamed(&refused, INDICATION_NAMES);
            let posted = Posted::rejected(values, &t, &refused, f.version());
            respond(
                render(&state, &user, page, &id, &q, Some(posted), None).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn save_diagnosis(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-indication", &path(&id));
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let f = FormData(pairs);
    let values = DiagnosisValues::posted(&f);
    let q = HashMap::new();
    let input = DiagnosisInput {
        statement: values.statement.clone(),
        severity: Some(values.severity.clone()),
        recorded_on: Some(values.date.clone()),
    };
    match state
        .app
        .enter_diagnosis(&user.actor(), course.id, f.version_given(), &input)
        .await
    {
        Ok(_) => saved(&id, "indication", "diagnosis"),
        Err(AppError::Conflict { .. }) => {
            let posted = Posted::stale(values, &t);
            respond(
                render(&state, &user, page, &id, &q, None, Some(posted)).await,
                STALE,
            )
        }
        Err(AppError::Rejected(refused)) => {
            let posted = Posted::rejected(values, &t, &refused, f.version());
            respond(
                render(&state, &user, page, &id, &q, None, Some(posted)).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_english_prompts_are_the_domains_own() {
        let t = Tr::new(Lang::En);
        for f in EscalationFlag::ALL {
            let (text, source) = flag_prompt(&t, f);
            assert_eq!(text, f.prompt().text, "{f:?}");
            assert_eq!(source, f.prompt().source);
        }
        use ScreeningFinding::*;
        for f in [
            MajorDepressiveSyndrome,
            OtherDepressiveSyndrome,
            NoDepressiveSyndrome,
            Indeterminate,
        ] {
            assert_eq!(screening_text(&t, f), f.statement(), "{f:?}");
            assert_ne!(
                screening_text(&Tr::new(Lang::It), f),
                f.statement(),
                "{f:?} is translated"
            );
        }
        let it = Tr::new(Lang::It);
        for f in EscalationFlag::ALL {
            assert_ne!(
                flag_prompt(&it, f).0,
                f.prompt().text,
                "{f:?} is translated"
            );
        }
    }
}
