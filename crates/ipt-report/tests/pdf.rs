//! The PDF documents, typeset and read back: the text a reader (or a screen reader) gets out
//! of the PDF must be the text we put in, in the document's language, with user-typed text that
//! looks like typst markup kept verbatim.

use ipt_report::pdf::{
    Chart, CourseSummaryDoc, FactSection, FocusExplained, Frame, GoalLine, GoalSection, Labelled,
    LinesSection, MyPlanDoc, OutcomeGroup, OutcomeSection, PdfError, ScoreColumns, ScoreLine,
    ScoreSection, TextSection,
};
use ipt_report::{
    ScorePoint, SessionMarker, SeverityBand, Trajectory, TrajectoryLabels, course_summary, my_plan,
    render_pdf, score_trajectory,
};
use time::macros::date;

const NAME: &str = "Niccolò D'Amico";
/// Typed by a user; if it were read as markup it would set rules, emphasis and maths.
const MARKUP: &str = "#set [x] *y* $z$ _w_ <l> @r // c";

/// The words of one language, as the web layer would pass them.
struct Words {
    lang: &'static str,
    summary: &'static str,
    plan: &'static str,
    course: &'static str,
    patient: &'static str,
    focus: &'static str,
    grief: &'static str,
    scores: &'static str,
    response: &'static str,
    relapse: &'static str,
    warning: &'static str,
    maintenance: &'static str,
    choice: &'static str,
    goals: &'static str,
    formulation: &'static str,
    upcoming: &'static str,
    confidential: &'static str,
    page_of: &'static str,
}

const EN: Words = Words {
    lang: "en",
    summary: "Course summary",
    plan: "My plan",
    course: "The course",
    patient: "Patient",
    focus: "Focus areas",
    grief: "Grief",
    scores: "Scores from baseline to end",
    response: "Response: the score fell by half or more from the baseline.",
    relapse: "Relapse-prevention plan",
    warning: "Early warning signs",
    maintenance: "Maintenance recommendation",
    choice: "No further treatment planned",
    goals: "Goals",
    formulation: "What we understood together",
    upcoming: "Coming up",
    confidential: "Confidential: contains health information.",
    page_of: "Page {n} of {total}",
};

const IT: Words = Words {
    lang: "it",
    summary: "Riepilogo del percorso",
    plan: "Il mio piano",
    course: "Il percorso",
    patient: "Paziente",
    focus: "Aree di intervento",
    grief: "Lutto",
    scores: "Punteggi dall'inizio alla fine",
    response: "Risposta: il punteggio si è almeno dimezzato rispetto all'inizio.",
    relapse: "Piano di prevenzione delle ricadute",
    warning: "Segnali precoci",
    maintenance: "Raccomandazione sul mantenimento",
    choice: "Nessun altro trattamento previsto",
    goals: "Obiettivi",
    formulation: "Che cosa abbiamo capito insieme",
    upcoming: "Prossimi passi",
    confidential: "Riservato: contiene informazioni sanitarie.",
    page_of: "Pagina {n} di {total}",
};

fn frame(w: &Words, title: &str) -> Frame {
    Frame {
        title: title.into(),
        patient: NAME.into(),
        confidential: w.confidential.into(),
        page_of: w.page_of.into(),
        printed: "25/11/2026".into(),
        note: "Supports clinical judgement.".into(),
    }
}

fn goals(w: &Words, n: usize) -> GoalSection {
    GoalSection {
        heading: w.goals.into(),
        area: "Area".into(),
        goal: "Goal".into(),
        progress: "Progress".into(),
        status: "Status".into(),
        rows: (0..n)
            .map(|i| GoalLine {
                area: w.grief.into(),
                description: format!("Visit the grave with my brother ({i})."),
                progress: "8 / 10".into(),
                status: "open".into(),
            })
            .collect(),
        empty: "—".into(),
    }
}

fn relapse(w: &Words) -> FactSection {
    FactSection {
        heading: w.relapse.into(),
        items: vec![
            Labelled::new(w.warning, "Sleeping badly;\nnot calling Marta."),
            Labelled::new("Seek help", MARKUP),
        ],
        empty: "—".into(),
    }
}

fn risk() -> FactSection {
    FactSection {
        heading: "Risk".into(),
        items: vec![
            Labelled::new("Open alert", "raised 2 Mar 2026: PHQ-9 item 9"),
            Labelled::new(
                "Acknowledged alert",
                "raised 9 Feb 2026, acknowledged 9 Feb 2026",
            ),
        ],
        empty: "—".into(),
    }
}

fn safety_plan() -> FactSection {
    FactSection {
        heading: "Safety plan".into(),
        items: vec![Labelled::new(
            "Own first steps",
            "Walk to the river and back.",
        )],
        empty: "—".into(),
    }
}

fn trajectory_svg() -> String {
    score_trajectory(&Trajectory {
        instrument: "PHQ-9".into(),
        y_min: 0.0,
        y_max: 27.0,
        bands: vec![
            SeverityBand {
                lower: -0.5,
                upper: 9.5,
                label: "mild or less".into(),
            },
            SeverityBand {
                lower: 9.5,
                upper: 27.5,
                label: "moderate or more".into(),
            },
        ],
        points: vec![
            ScorePoint {
                date: date!(2026 - 03 - 02),
                total: 18.0,
                session: Some(1),
            },
            ScorePoint {
                date: date!(2026 - 06 - 01),
                total: 6.0,
                session: Some(14),
            },
        ],
        baseline: Some(18.0),
        reliable_change: Some(6.0),
        sessions: vec![SessionMarker {
            date: date!(2026 - 03 - 02),
            number: 1,
        }],
        phases: vec![],
        events: vec![],
        labels: TrajectoryLabels {
            id: "phq9".into(),
            title: "PHQ-9 over the course".into(),
            description: "From 18 to 6.".into(),
            axis: "PHQ-9 total".into(),
            baseline: "Baseline (18)".into(),
            reliable_band: "No reliable change (±6)".into(),
            session_prefix: "S".into(),
            events: "Life events".into(),
            empty: "No scores yet.".into(),
        },
    })
}

fn summary_doc(w: &Words, goal_rows: usize) -> CourseSummaryDoc {
    CourseSummaryDoc {
        lang: w.lang.into(),
        frame: frame(w, w.summary),
        heading: w.summary.into(),
        course: FactSection {
            heading: w.course.into(),
            items: vec![
                Labelled::new(w.patient, NAME),
                Labelled::new("Sessions", "14 of 16"),
            ],
            empty: "—".into(),
        },
        focus: FactSection {
            heading: w.focus.into(),
            items: vec![Labelled::new(w.grief, "Mother, March 2026")],
            empty: "—".into(),
        },
        scores: ScoreSection {
            heading: w.scores.into(),
            columns: ScoreColumns {
                instrument: "Measure".into(),
                baseline: "Baseline".into(),
                end: "End".into(),
                count: "Scores".into(),
                change: "Change".into(),
            },
            rows: vec![ScoreLine {
                instrument: "PHQ-9".into(),
                baseline: "18 (moderately severe)".into(),
                end: "6 (mild)".into(),
                count: "2".into(),
                change: vec![w.response.into(), "Reliable improvement.".into()],
            }],
            empty: "—".into(),
            note: "Thresholds describe scores, not a diagnosis.".into(),
            statement: None,
            statement_notes: vec![],
            charts: vec![Chart {
                caption: "PHQ-9 over the course".into(),
                alt: "From 18 to 6.".into(),
                svg: trajectory_svg(),
            }],
        },
        secondary: OutcomeSection {
            heading: "Support, isolation and assertiveness".into(),
            columns: [
                "Measured by".into(),
                "Start".into(),
                "End".into(),
                "Change".into(),
            ],
            groups: vec![OutcomeGroup {
                outcome: "Perceived support".into(),
                rows: vec![[
                    "MSPSS total (12–84)".into(),
                    "36 on 2 Mar 2026".into(),
                    "60 on 1 Jun 2026".into(),
                    "+24: reliable improvement.".into(),
                ]],
                reading: "Higher means more support felt.".into(),
            }],
            empty: "—".into(),
            note: "Change is shown, not explained.".into(),
        },
        goals: goals(w, goal_rows),
        gains: TextSection {
            heading: "Gains".into(),
            text: Some(MARKUP.into()),
            empty: "—".into(),
        },
        risk: risk(),
        safety_plan: safety_plan(),
        relapse_plan: relapse(w),
        maintenance: FactSection {
            heading: w.maintenance.into(),
            items: vec![Labelled::new("Decision", w.choice)],
            empty: "—".into(),
        },
    }
}

fn plan_doc(w: &Words) -> MyPlanDoc {
    MyPlanDoc {
        lang: w.lang.into(),
        frame: frame(w, w.plan),
        heading: w.plan.into(),
        intro: "Hello.".into(),
        formulation: TextSection {
            heading: w.formulation.into(),
            text: Some(format!("Low mood since the loss.\n\n{MARKUP}")),
            empty: "—".into(),
        },
        focus_heading: w.focus.into(),
        focus: vec![FocusExplained {
            name: w.grief.into(),
            explanation: "Mourning someone who died.".into(),
        }],
        focus_empty: "—".into(),
        goals: goals(w, 1),
        actions: TextSection {
            heading: "Agreed actions".into(),
            text: None,
            empty: "Nothing recorded yet.".into(),
        },
        risk: risk(),
        safety_plan: safety_plan(),
        crisis: LinesSection {
            heading: "Where to get help at once".into(),
            lines: vec!["Emergency services: 112".into()],
        },
        relapse_plan: relapse(w),
        upcoming: FactSection {
            heading: w.upcoming.into(),
            items: vec![Labelled::new("Next session", "2 Dec 2026")],
            empty: "—".into(),
        },
    }
}

/// The PDF's text with ligatures expanded, words rejoined across hyphenated line ends, and
/// white space collapsed, so assertions read like the document.
fn text_of(pdf: &[u8]) -> String {
    let raw = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text can be extracted");
    let raw = raw
        .replace('\u{FB00}', "ff")
        .replace('\u{FB01}', "fi")
        .replace('\u{FB02}', "fl")
        .replace('\u{FB03}', "ffi")
        .replace('\u{FB04}', "ffl")
        .replace('\u{2019}', "'");
    let mut joined = String::new();
    let mut lines = raw.lines().map(str::trim_end).peekable();
    while let Some(line) = lines.next() {
        if let Some(stem) = line.strip_suffix(['-', '\u{2010}', '\u{AD}'])
            && stem.ends_with(|c: char| c.is_alphabetic())
            && lines
                .peek()
                .is_some_and(|n| n.trim_start().starts_with(|c: char| c.is_lowercase()))
        {
            joined.push_str(stem);
            continue;
        }
        joined.push_str(line);
        joined.push('\n');
    }
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The language recorded in the PDF's catalogue.
fn catalogue_lang(pdf: &[u8]) -> String {
    let doc = pdf_extract::Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let lang = catalog.get(b"Lang").expect("the PDF records its language");
    String::from_utf8_lossy(lang.as_str().unwrap()).into_owned()
}

/// With `IPT_PDF_DUMP=DIR`, keep the PDFs for a look by eye.
fn keep(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("IPT_PDF_DUMP") {
        std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
    }
}

fn assert_has(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "{e:?} missing from: {text}");
    }
}

#[test]
fn the_course_summary_reads_back_in_english_and_italian() {
    for (w, other) in [(&EN, &IT), (&IT, &EN)] {
        let pdf = course_summary(&summary_doc(w, 1)).unwrap();
        keep(&format!("summary-{}.pdf", w.lang), &pdf);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = text_of(&pdf);
        assert_has(
            &text,
            &[
                w.summary,
                w.course,
                w.patient,
                NAME,
                w.focus,
                w.grief,
                w.scores,
                "PHQ-9",
                "18 (moderately severe)",
                "6 (mild)",
                w.response,
                "raised 2 Mar 2026: PHQ-9 item 9",
                "Walk to the river and back.",
                w.relapse,
                w.warning,
                "Sleeping badly; not calling Marta.",
                w.maintenance,
                w.choice,
                w.confidential,
                MARKUP,
            ],
        );
        let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf)
            .unwrap()
            .len();
        let last = w
            .page_of
            .replace("{n}", &pages.to_string())
            .replace("{total}", &pages.to_string());
        assert_has(&text, &[&last]);
        assert!(!text.contains(other.summary), "{text}");
        assert_eq!(catalogue_lang(&pdf), w.lang);
    }
}

#[test]
fn my_plan_reads_back_in_english_and_italian() {
    for w in [&EN, &IT] {
        let pdf = my_plan(&plan_doc(w)).unwrap();
        keep(&format!("plan-{}.pdf", w.lang), &pdf);
        let text = text_of(&pdf);
        assert_has(
            &text,
            &[
                w.plan,
                NAME,
                w.formulation,
                "Low mood since the loss.",
                MARKUP,
                w.focus,
                w.grief,
                "Mourning someone who died.",
                w.goals,
                "Visit the grave with my brother (0).",
                "Nothing recorded yet.",
                "Walk to the river and back.",
                "Where to get help at once",
                "Emergency services: 112",
                "raised 2 Mar 2026: PHQ-9 item 9",
                w.relapse,
                w.upcoming,
                "2 Dec 2026",
                w.confidential,
            ],
        );
        assert_eq!(catalogue_lang(&pdf), w.lang);
    }
}

#[test]
fn the_score_chart_is_embedded_as_a_drawing() {
    let with = course_summary(&summary_doc(&EN, 1)).unwrap();
    let mut doc = summary_doc(&EN, 1);
    doc.scores.charts.clear();
    let without = course_summary(&doc).unwrap();
    assert!(
        with.len() > without.len() + 1000,
        "the chart adds a drawing ({} vs {} bytes)",
        with.len(),
        without.len()
    );
    assert_has(&text_of(&with), &["PHQ-9 over the course"]);
}

#[test]
fn long_tables_break_across_pages_with_header_and_footer_on_each() {
    let pdf = course_summary(&summary_doc(&IT, 60)).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let total = pages.len().to_string();
    for (i, page) in pages.iter().enumerate() {
        let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(page.contains(NAME), "page {} has the running header", i + 1);
        assert!(page.contains(IT.confidential), "page {} footer", i + 1);
        let counter = IT
            .page_of
            .replace("{n}", &(i + 1).to_string())
            .replace("{total}", &total);
        assert!(page.contains(&counter), "page {}: {page}", i + 1);
    }
    let text = text_of(&pdf);
    assert_has(&text, &["(0).", "(59)."]);
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    let a = my_plan(&plan_doc(&IT)).unwrap();
    let b = my_plan(&plan_doc(&IT)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_language_that_is_not_a_code_is_refused() {
    for bad in ["", "Italian", "it-IT", "IT", "e"] {
        let mut doc = plan_doc(&EN);
        doc.lang = bad.into();
        assert!(
            matches!(my_plan(&doc), Err(PdfError::Language(l)) if l == bad),
            "{bad:?}"
        );
    }
}

#[test]
fn a_template_error_is_reported_not_panicked() {
    let e = render_pdf("#let x = json(\"/missing.json\")", &[]).unwrap_err();
    assert!(matches!(e, PdfError::Typeset(_)), "{e}");
    let ok = render_pdf("Hello #sys.version", &[]).unwrap();
    assert!(text_of(&ok).contains("Hello"));
}
