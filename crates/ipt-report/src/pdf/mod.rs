//! PDF documents typeset with typst: the course summary (discharge letter) and the patient's
//! "my plan". Callers pass plain models whose labels and values are already translated; this
//! module knows no language beyond the `lang` code that typst needs for hyphenation.
//!
//! Data never becomes markup: the model is serialised to JSON and the templates read it with
//! typst's `json()`, so a name such as `#set [x] *y* $z$` is typeset as those characters.
//! Charts arrive as SVG text and are embedded as in-memory image files.

mod world;

use serde::Serialize;
use typst_layout::PagedDocument;

use world::DocWorld;

/// Why a document could not be produced. Messages come from the typesetter and name template
/// positions, never the document's data.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("{0:?} is not an ISO 639 language code such as en or it")]
    Language(String),
    #[error("the document model could not be prepared: {0}")]
    Model(String),
    #[error("the document could not be typeset: {0}")]
    Typeset(String),
    #[error("the PDF could not be written: {0}")]
    Export(String),
}

/// What every page carries.
#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    /// The document's title, e.g. "Course summary".
    pub title: String,
    /// The patient's name, shown in the running header.
    pub patient: String,
    /// The confidentiality line in the footer.
    pub confidential: String,
    /// The page counter, with `{n}` and `{total}` where the numbers go ("Page {n} of {total}").
    pub page_of: String,
    /// When it was produced, e.g. "Printed on 25/11/2026".
    pub printed: String,
    /// A closing note, e.g. that the software supports clinical judgement.
    pub note: String,
}

/// A label and its value.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Labelled {
    pub label: String,
    pub value: String,
}

impl Labelled {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// The column headings of the score table.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreColumns {
    pub instrument: String,
    pub baseline: String,
    pub end: String,
    pub count: String,
    pub change: String,
}

/// One instrument's scores over the course.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreLine {
    pub instrument: String,
    /// The first score, e.g. "18 (moderately severe), 2 Mar 2026".
    pub baseline: String,
    /// The last score, or a dash when there is one score only.
    pub end: String,
    /// How many scores, e.g. "3 scores".
    pub count: String,
    /// Response, remission and reliable change, each as a sentence.
    pub change: Vec<String>,
}

/// A chart: an SVG drawing with its caption and a text alternative.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub caption: String,
    pub alt: String,
    /// SVG text, embedded as an image (not serialised into the data).
    #[serde(skip)]
    pub svg: String,
}

/// The scores section of the course summary.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreSection {
    pub heading: String,
    pub columns: ScoreColumns,
    pub rows: Vec<ScoreLine>,
    /// Shown instead of the table when no score was recorded.
    pub empty: String,
    /// Under the table: what the change metrics are (and are not).
    pub note: String,
    /// A plain statement when the main measure shows the treatment has not helped enough.
    pub statement: Option<String>,
    /// Explanations under the statement (not the patient's failure; alternatives to review).
    pub statement_notes: Vec<String>,
    pub charts: Vec<Chart>,
}

/// One outcome of the secondary-outcomes table: its name, its lines (measure, start, latest,
/// change) and how to read them.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeGroup {
    pub outcome: String,
    pub rows: Vec<[String; 4]>,
    pub reading: String,
}

/// Perceived support, loneliness, assertiveness and the closeness circle, start against end.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeSection {
    pub heading: String,
    /// Measure, start, latest (or end), change.
    pub columns: [String; 4],
    pub groups: Vec<OutcomeGroup>,
    /// Shown instead of the table when nothing was measured.
    pub empty: String,
    pub note: String,
}

/// A heading and lines shown as they are (a site's crisis services and numbers, say).
#[derive(Debug, Clone, Serialize)]
pub struct LinesSection {
    pub heading: String,
    pub lines: Vec<String>,
}

/// A titled list of labelled values, with what to show when it is empty.
#[derive(Debug, Clone, Serialize)]
pub struct FactSection {
    pub heading: String,
    pub items: Vec<Labelled>,
    pub empty: String,
}

/// A titled piece of free text (or the text to show when there is none).
#[derive(Debug, Clone, Serialize)]
pub struct TextSection {
    pub heading: String,
    pub text: Option<String>,
    pub empty: String,
}

/// The course summary, or discharge letter: who, when and which format, sessions attended of
/// those planned, focus areas, scores from baseline to end with their chart and change metrics,
/// the relapse-prevention plan and the maintenance recommendation.
#[derive(Debug, Clone, Serialize)]
pub struct CourseSummaryDoc {
    /// The ISO 639 language code, e.g. `en` or `it`: hyphenation and quotes follow it.
    pub lang: String,
    pub frame: Frame,
    pub heading: String,
    /// Patient, dates, format, clinician, sessions attended of those planned …
    pub course: FactSection,
    /// Focus areas, each already labelled (e.g. "Role dispute (renegotiation)").
    pub focus: FactSection,
    pub scores: ScoreSection,
    /// The seed's secondary outcomes: support, loneliness, assertiveness, the circle.
    pub secondary: OutcomeSection,
    pub goals: GoalSection,
    pub gains: TextSection,
    /// Risk alerts raised on the course, open and acknowledged, with their dates, and the last
    /// risk item answered positively.
    pub risk: FactSection,
    pub safety_plan: FactSection,
    pub relapse_plan: FactSection,
    pub maintenance: FactSection,
}

/// Goal table headings and rows.
#[derive(Debug, Clone, Serialize)]
pub struct GoalSection {
    pub heading: String,
    pub area: String,
    pub goal: String,
    pub progress: String,
    pub status: String,
    pub rows: Vec<GoalLine>,
    pub empty: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalLine {
    pub area: String,
    pub description: String,
    pub progress: String,
    pub status: String,
}

/// A focus area explained in plain words for the patient.
#[derive(Debug, Clone, Serialize)]
pub struct FocusExplained {
    pub name: String,
    pub explanation: String,
}

/// The patient's own document: the formulation as agreed with them, their focus areas in plain
/// words, goals with progress, what was agreed and the plan for staying well, and what comes next.
#[derive(Debug, Clone, Serialize)]
pub struct MyPlanDoc {
    /// The ISO 639 language code, e.g. `en` or `it`: hyphenation and quotes follow it.
    pub lang: String,
    pub frame: Frame,
    pub heading: String,
    /// A short opening line addressed to the patient.
    pub intro: String,
    pub formulation: TextSection,
    pub focus_heading: String,
    pub focus: Vec<FocusExplained>,
    pub focus_empty: String,
    pub goals: GoalSection,
    /// The actions agreed at the latest session that recorded some.
    pub actions: TextSection,
    /// What the patient answered about their safety that the clinician follows up, in the
    /// patient's words: when it was raised and whether it was followed up.
    pub risk: FactSection,
    pub safety_plan: FactSection,
    /// Where to get help at once: the site's crisis resources.
    pub crisis: LinesSection,
    pub relapse_plan: FactSection,
    pub upcoming: FactSection,
}

const FRAME: &str = include_str!("frame.typ");
const COURSE_SUMMARY: &str = include_str!("course_summary.typ");
const MY_PLAN: &str = include_str!("my_plan.typ");

/// The document's language must be an ISO 639 code (two or three lower-case letters), which is
/// what typst needs to choose hyphenation patterns and quotes; which languages the product
/// offers is the caller's business.
fn check_lang(lang: &str) -> Result<(), PdfError> {
    if (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(PdfError::Language(lang.to_string()))
    }
}

fn json<T: Serialize>(doc: &T) -> Result<Vec<u8>, PdfError> {
    serde_json::to_vec(doc).map_err(|e| PdfError::Model(e.to_string()))
}

/// The virtual path of the `i`-th chart.
fn chart_path(i: usize) -> String {
    format!("/chart-{i}.svg")
}

/// Typeset the course summary.
pub fn course_summary(doc: &CourseSummaryDoc) -> Result<Vec<u8>, PdfError> {
    check_lang(&doc.lang)?;
    let data = json(doc)?;
    let paths: Vec<String> = (0..doc.scores.charts.len()).map(chart_path).collect();
    let mut files: Vec<(&str, &[u8])> =
        vec![("/data.json", &data), ("/frame.typ", FRAME.as_bytes())];
    for (path, chart) in paths.iter().zip(&doc.scores.charts) {
        files.push((path, chart.svg.as_bytes()));
    }
    render_pdf(COURSE_SUMMARY, &files)
}

/// Typeset the patient's "my plan".
pub fn my_plan(doc: &MyPlanDoc) -> Result<Vec<u8>, PdfError> {
    check_lang(&doc.lang)?;
    let data = json(doc)?;
    render_pdf(
        MY_PLAN,
        &[("/data.json", &data), ("/frame.typ", FRAME.as_bytes())],
    )
}

/// Compile typst `markup` (the main file) with in-memory `files` (absolute virtual paths such
/// as `/data.json`) into a PDF. The output depends on the input only: no clock, no system fonts.
pub fn render_pdf(markup: &str, files: &[(&str, &[u8])]) -> Result<Vec<u8>, PdfError> {
    let world = DocWorld::new(markup, files).map_err(PdfError::Model)?;
    let result = typst::compile::<PagedDocument>(&world).output;
    // Keep typst's memoisation cache from growing with every document a server produces.
    typst::comemo::evict(10);
    let document = result.map_err(|errors| {
        PdfError::Typeset(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PdfError::Export(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}
