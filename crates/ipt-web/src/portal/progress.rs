//! "My progress" on the portal: for each questionnaire the patient filled in, their scores over
//! time on the severity bands in force, each band named in our own plain words, with a text
//! alternative, a table view and one careful sentence about change.
//!
//! The words describe what a score did (a clear change, or one within the usual ups and downs),
//! never that someone is well, and always send the patient back to their therapist for the
//! meaning (reference §1.1: measures are repeated "to teach the patient and to track progress").

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ipt_app::usecases::portal::PortalPatient;
use ipt_app::usecases::portal_plan::InstrumentProgress;
use ipt_domain::measures::{Change, RCI_Z, ReliableChange};
use ipt_report::{ScorePoint, SeverityBand, Trajectory, TrajectoryLabels, score_trajectory};

use super::diary::error_page;
use super::words::band_words;
use super::{PortalCtx, ctx};
use crate::AppState;
use crate::i18n::Tr;

pub struct InstrumentView {
    pub id: String,
    pub heading: String,
    pub about: String,
    pub svg: String,
    pub alt: String,
    /// (date, score, band in words), oldest first.
    pub rows: Vec<(String, String, String)>,
    pub latest: String,
    pub change: String,
    /// "0–4: few problems", lowest first.
    pub ranges: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/progress.html")]
pub struct ProgressPage {
    pub page: PortalCtx,
    pub intro: String,
    /// Shown when there is nothing to chart yet.
    pub none: Option<String>,
    pub instruments: Vec<InstrumentView>,
    /// "You and the people around you": support, loneliness, the circle and how easy it is
    /// to say what you need, each in one plain sentence; empty when nothing was measured.
    pub relationships: Vec<String>,
    /// Per person: how easy it is to tell them what you need, at the start and now.
    pub people: Vec<String>,
}

/// The secondary outcomes in the patient's words: what moved, which way is hoped for, never
/// a band name, never that someone is well.
fn relationship_lines(
    t: &Tr,
    x: &ipt_app::outcomes::SecondaryOutcomes,
) -> (Vec<String>, Vec<String>) {
    let mut lines = vec![];
    for m in &x.measures {
        let key = format!("portal-relations-{}", m.construct.code());
        let first = (t.number(m.first.total), t.date(m.first.at.date()));
        lines.push(match &m.latest {
            None => t.with(
                &format!("{key}-one"),
                &[("first", first.0), ("date", first.1)],
            ),
            Some(l) => {
                let moved = match m.change {
                    Some(c) if c.reliable_improvement == Some(true) => "better",
                    Some(c) if c.reliable_deterioration == Some(true) => "harder",
                    Some(c) if m.judges_reliability() && c.reliable_improvement.is_some() => {
                        "small"
                    }
                    _ => "plain",
                };
                t.with(
                    &format!("{key}-two"),
                    &[
                        ("first", first.0),
                        ("date", first.1),
                        ("latest", t.number(l.total)),
                        ("latest_date", t.date(l.at.date())),
                        ("moved", t.get(&format!("portal-relations-moved-{moved}"))),
                    ],
                )
            }
        });
    }
    if let Some(start) = &x.network.start {
        lines.push(t.with(
            "portal-relations-circle",
            &[
                ("start", start.in_circle.to_string()),
                ("latest", x.network.latest.in_circle.to_string()),
                ("inner_start", start.inner_ring.to_string()),
                ("inner_latest", x.network.latest.inner_ring.to_string()),
            ],
        ));
    }
    let se = &x.self_expression;
    if let (Some(a), Some(b)) = (se.start_index, se.latest_index)
        && se.paired > 0
    {
        lines.push(t.with(
            "portal-relations-expression",
            &[("start", t.number(a)), ("latest", t.number(b))],
        ));
    }
    let people = se
        .relationships
        .iter()
        .filter_map(|r| match (r.start, r.latest) {
            (Some(a), Some(b)) => Some(t.with(
                "portal-relations-person",
                &[
                    ("name", r.alias.clone()),
                    ("start", t.get(&format!("portal-expression-{}", a.value()))),
                    ("latest", t.get(&format!("portal-expression-{}", b.value()))),
                ],
            )),
            _ => None,
        })
        .collect();
    (lines, people)
}

/// Half the width of the band of "usual ups and downs" around the first score, in points.
fn reliable_half_width(rule: &ReliableChange) -> Option<f64> {
    match rule {
        ReliableChange::Points(p) => Some(f64::from(*p)),
        ReliableChange::JacobsonTruax { .. } => rule.s_diff().map(|s| RCI_Z * s),
    }
}

fn change_sentence(t: &Tr, first: (&str, String), change: Option<&Change>, count: usize) -> String {
    if count < 2 {
        return t.get("portal-progress-one");
    }
    let args = [("first", first.0.to_string()), ("date", first.1)];
    let key = match change {
        Some(c) if c.reliable_improvement == Some(true) => "portal-progress-change-better",
        Some(c) if c.reliable_deterioration == Some(true) => "portal-progress-change-harder",
        Some(c) if c.reliable_improvement.is_some() || c.reliable_deterioration.is_some() => {
            "portal-progress-change-small"
        }
        _ => "portal-progress-change-plain",
    };
    t.with(key, &args)
}

fn instrument_view(t: &Tr, p: &InstrumentProgress) -> InstrumentView {
    let i = p.instrument;
    let name = i.short_name.clone();
    // A band with no patient phrase (a deployment's own band set) shows no name at all.
    let words = |band: &Option<String>| band.as_deref().and_then(|b| band_words(t, &i.code, b));
    let range = |min: u32, max: u32| format!("{min}–{max}");
    let bands = p
        .bands
        .map(|set| {
            set.bands
                .iter()
                .map(|b| SeverityBand {
                    lower: f64::from(b.min) - 0.5,
                    upper: f64::from(b.max) + 0.5,
                    label: band_words(t, &i.code, &b.code).unwrap_or_else(|| range(b.min, b.max)),
                })
                .collect()
        })
        .unwrap_or_default();
    let ranges = p
        .bands
        .map(|set| {
            set.bands
                .iter()
                .map(|b| match band_words(t, &i.code, &b.code) {
                    Some(words) => t.with(
                        "portal-progress-range",
                        &[
                            ("min", b.min.to_string()),
                            ("max", b.max.to_string()),
                            ("words", words),
                        ],
                    ),
                    None => range(b.min, b.max),
                })
                .collect()
        })
        .unwrap_or_default();
    let first = p.points.first();
    let last = p.points.last();
    let alt = match (first, last) {
        (Some(f), Some(l)) if p.points.len() > 1 => t.with(
            "portal-progress-chart-alt",
            &[
                ("instrument", name.clone()),
                ("count", p.points.len().to_string()),
                ("first", t.number(f.total)),
                ("first_date", t.date(f.date)),
                ("last", t.number(l.total)),
                ("last_date", t.date(l.date)),
            ],
        ),
        (Some(f), _) => t.with(
            "portal-progress-chart-alt-one",
            &[
                ("instrument", name.clone()),
                ("first", t.number(f.total)),
                ("first_date", t.date(f.date)),
            ],
        ),
        _ => t.get("portal-progress-none"),
    };
    let reliable = ipt_app::measures::settings()
        .change
        .rule(&i.code)
        .and_then(|r| r.reliable_change.as_ref())
        .and_then(reliable_half_width);
    let baseline = first.map(|f| f.total);
    let svg = score_trajectory(&Trajectory {
        instrument: name.clone(),
        y_min: f64::from(i.shown_range().0),
        y_max: f64::from(i.shown_range().1),
        bands,
        points: p
            .points
            .iter()
            .map(|x| ScorePoint {
                date: x.date,
                total: x.total,
                session: None,
            })
            .collect(),
        baseline,
        reliable_change: reliable,
        sessions: vec![],
        phases: vec![],
        events: vec![],
        labels: TrajectoryLabels {
            id: format!("progress-{}", i.code),
            title: t.with(
                "portal-progress-chart-title",
                &[("instrument", name.clone())],
            ),
            description: alt.clone(),
            axis: t.with(
                "portal-progress-chart-axis",
                &[("instrument", name.clone())],
            ),
            baseline: baseline
                .map(|b| t.with("portal-progress-chart-first", &[("total", t.number(b))]))
                .unwrap_or_default(),
            reliable_band: reliable
                .map(|r| t.with("portal-progress-chart-usual", &[("points", t.number(r))]))
                .unwrap_or_default(),
            session_prefix: String::new(),
            events: String::new(),
            empty: t.get("portal-progress-none"),
        },
    });
    let latest = match last {
        Some(l) => match words(&l.band) {
            Some(band) => t.with(
                "portal-progress-latest",
                &[
                    ("date", t.date(l.date)),
                    ("total", t.number(l.total)),
                    ("band", band),
                ],
            ),
            None => t.with(
                "portal-progress-latest-no-band",
                &[("date", t.date(l.date)), ("total", t.number(l.total))],
            ),
        },
        None => String::new(),
    };
    InstrumentView {
        id: format!("progress-{}", i.code),
        about: t.get(&format!("portal-progress-about-{}", i.code)),
        change: change_sentence(
            t,
            (
                &first.map(|f| t.number(f.total)).unwrap_or_default(),
                first.map(|f| t.date(f.date)).unwrap_or_default(),
            ),
            p.change.as_ref(),
            p.points.len(),
        ),
        rows: p
            .points
            .iter()
            .map(|x| {
                let band = words(&x.band).unwrap_or_else(|| "—".into());
                (t.date(x.date), t.number(x.total), band)
            })
            .collect(),
        heading: name,
        ranges,
        svg,
        alt,
        latest,
    }
}

/// `GET /portal/progress`.
pub async fn page(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
) -> Response {
    let page = ctx(&who, "portal-progress-title", "/portal/progress");
    let t = page.t;
    let progress = match state.app.portal_progress(&who).await {
        Ok(p) => p,
        Err(e) => return error_page(page, &e),
    };
    let instruments: Vec<InstrumentView> = progress
        .as_ref()
        .map(|p| {
            p.instruments
                .iter()
                .map(|i| instrument_view(&t, i))
                .collect()
        })
        .unwrap_or_default();
    let (relationships, people) = progress
        .as_ref()
        .map(|p| relationship_lines(&t, &p.secondary))
        .unwrap_or_default();
    ProgressPage {
        relationships,
        people,
        intro: t.get("portal-progress-intro"),
        none: instruments
            .is_empty()
            .then(|| t.get("portal-progress-none")),
        instruments,
        page,
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::portal::words::band_key;
    use ipt_domain::assessment::Assessment;
    use ipt_domain::measures::Catalogue;

    /// Every band of every questionnaire a patient can see, in every band set, has our plain
    /// words in every language, and so does each questionnaire's description.
    #[test]
    fn every_band_a_patient_can_see_has_plain_words() {
        for lang in Lang::ALL {
            let t = Tr::new(lang);
            for i in Catalogue::builtin().instruments() {
                if !i.offered_to_patients()
                    || Assessment::NOT_OUTCOME_MEASURES.contains(&i.code.as_str())
                {
                    continue;
                }
                let about = format!("portal-progress-about-{}", i.code);
                assert_ne!(t.get(&about), about, "{about} in {}", lang.code());
                for set in i.bands.iter().flat_map(|b| &b.sets) {
                    for b in &set.bands {
                        let key = band_key(&i.code, &b.code);
                        let words = band_words(&t, &i.code, &b.code)
                            .unwrap_or_else(|| panic!("{key} in {}", lang.code()));
                        // Short enough to be written whole beside its band on the chart.
                        assert!(
                            words.chars().count() <= 24,
                            "{key} in {}: {words}",
                            lang.code()
                        );
                    }
                }
            }
        }
    }

    /// The words never tell a patient they are well or recovered.
    #[test]
    fn the_words_never_say_a_patient_is_fine() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        for (lang, banned) in [
            ("en", ["fine", "recovered", "healthy", "cured", "normal"]),
            ("it", ["stai bene", "guarit", "sano", "normale", "a posto"]),
        ] {
            for file in ["portal_plan.ftl", "portal_diary.ftl", "portal_bands.ftl"] {
                let text = std::fs::read_to_string(dir.join(lang).join(file)).unwrap();
                for line in text.lines().filter(|l| {
                    l.starts_with("portal-band-")
                        || l.starts_with("portal-relations-")
                        || l.starts_with("portal-expression-")
                        || l.starts_with("portal-progress-change")
                        || l.starts_with("portal-progress-latest")
                }) {
                    let lower = line
                        .split_once('=')
                        .map(|(_, v)| v)
                        .unwrap_or("")
                        .to_lowercase();
                    for word in banned {
                        assert!(!lower.contains(word), "{lang}/{file}: {line}");
                    }
                }
            }
        }
    }
}
