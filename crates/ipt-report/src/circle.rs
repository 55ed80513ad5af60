//! The closeness circle (clinical reference §3.3): the patient in the centre, three rings of
//! felt closeness around them, and a band below for people who matter but are not felt as
//! close. Each person is drawn by ring; being a confidant, being in conflict and having died are
//! shown by shape and by a symbol after the name, never by colour alone.

use std::f64::consts::PI;
use std::fmt::Write;

use ipt_domain::inventory::{ClosenessRing, ConflictLevel, InventoryPerson, SnapshotPerson};

use crate::svg::{esc, id_safe, num, shorten};

/// One person to place on the circle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CirclePerson {
    /// What the patient calls them.
    pub alias: String,
    pub ring: ClosenessRing,
    /// The patient can confide in them.
    pub confidant: bool,
    /// The relationship carries conflict (open or hidden).
    pub conflict: bool,
    /// The person has died.
    pub deceased: bool,
}

impl CirclePerson {
    /// A person of the live inventory, drawn with everything the circle shows.
    pub fn of_person(p: &InventoryPerson) -> Self {
        Self {
            alias: p.alias.as_str().to_string(),
            ring: p.ring,
            confidant: p.confidant,
            conflict: p.conflict != ConflictLevel::None,
            deceased: p.deceased,
        }
    }

    /// A person as a snapshot kept them, drawn exactly as the live inventory would have been
    /// (a snapshot that did not record death or conflict draws neither).
    pub fn of_snapshot(p: &SnapshotPerson) -> Self {
        Self {
            alias: p.alias.clone(),
            ring: p.ring,
            confidant: p.confidant,
            conflict: p.in_conflict(),
            deceased: p.is_deceased(),
        }
    }
}

/// The words of the drawing, already translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleLabels {
    /// A prefix for the element ids, unique on the page (two circles may share a page).
    pub id: String,
    /// The chart's title, e.g. "Closeness circle".
    pub title: String,
    /// A one- or two-sentence summary for assistive technology.
    pub description: String,
    /// The label of the centre, e.g. "Patient".
    pub centre: String,
    /// Ring names from the innermost out, e.g. "Closest", "Close", "Less close".
    pub rings: [String; 3],
    /// The band for people outside the circle.
    pub outside: String,
    pub confidant: String,
    pub conflict: String,
    pub deceased: String,
    /// Shown when nobody is placed yet.
    pub empty: String,
}

const WIDTH: f64 = 480.0;
const CX: f64 = 240.0;
const CY: f64 = 215.0;
/// The centre disc and the outer edges of rings 1–3.
const CENTRE_R: f64 = 28.0;
const RING_R: [f64; 3] = [72.0, 138.0, 204.0];
/// The outside band starts below the circle.
const OUTSIDE_TOP: f64 = 432.0;
const OUTSIDE_COLS: usize = 4;
const OUTSIDE_ROW: f64 = 44.0;
const LEGEND_ROW: f64 = 22.0;
const MAX_LABEL: usize = 16;

const SYMBOL_CONFIDANT: &str = "★";
const SYMBOL_CONFLICT: &str = "◆";
const SYMBOL_DECEASED: &str = "†";

fn ring_index(r: ClosenessRing) -> Option<usize> {
    match r {
        ClosenessRing::Inner => Some(0),
        ClosenessRing::Middle => Some(1),
        ClosenessRing::Outer => Some(2),
        ClosenessRing::Outside => None,
    }
}

impl CirclePerson {
    /// The symbols after the name: ★ confidant, ◆ conflict, † deceased.
    fn symbols(&self) -> String {
        let mut s = String::new();
        for (on, sym) in [
            (self.confidant, SYMBOL_CONFIDANT),
            (self.conflict, SYMBOL_CONFLICT),
            (self.deceased, SYMBOL_DECEASED),
        ] {
            if on {
                s.push(' ');
                s.push_str(sym);
            }
        }
        s
    }

    /// The full description, for the person's `<title>` tooltip.
    fn describe(&self, labels: &CircleLabels) -> String {
        let mut parts = vec![match ring_index(self.ring) {
            Some(i) => labels.rings[i].clone(),
            None => labels.outside.clone(),
        }];
        if self.confidant {
            parts.push(labels.confidant.clone());
        }
        if self.conflict {
            parts.push(labels.conflict.clone());
        }
        if self.deceased {
            parts.push(labels.deceased.clone());
        }
        format!("{}: {}", self.alias.trim(), parts.join(", "))
    }
}

/// Draw one person's marker at (x, y): a circle, or a diamond when in conflict; hollow and
/// dashed when deceased; with an extra ring around it when a confidant.
fn marker(out: &mut String, p: &CirclePerson, x: f64, y: f64) {
    let (fill, stroke, dash) = if p.deceased {
        ("#ffffff", "#5a6570", " stroke-dasharray=\"3 2\"")
    } else if p.conflict {
        ("#a4262c", "#6d1419", "")
    } else {
        ("#1f5f8b", "#153f5c", "")
    };
    if p.conflict {
        let s = 9.0;
        let _ = write!(
            out,
            "<path class=\"marker conflict\" d=\"M{} {} L{} {} L{} {} L{} {} Z\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}/>",
            num(x),
            num(y - s),
            num(x + s),
            num(y),
            num(x),
            num(y + s),
            num(x - s),
            num(y)
        );
    } else {
        let _ = write!(
            out,
            "<circle class=\"marker\" cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}/>",
            num(x),
            num(y)
        );
    }
    if p.confidant {
        let _ = write!(
            out,
            "<circle class=\"confidant-ring\" cx=\"{}\" cy=\"{}\" r=\"12\" fill=\"none\" stroke=\"#2e6b3a\" stroke-width=\"2\"/>",
            num(x),
            num(y)
        );
    }
}

fn person(out: &mut String, p: &CirclePerson, labels: &CircleLabels, x: f64, y: f64) {
    let mut classes = vec!["person"];
    if p.confidant {
        classes.push("is-confidant");
    }
    if p.conflict {
        classes.push("is-conflict");
    }
    if p.deceased {
        classes.push("is-deceased");
    }
    let _ = write!(
        out,
        "<g class=\"{}\"><title>{}</title>",
        classes.join(" "),
        esc(&p.describe(labels))
    );
    marker(out, p, x, y);
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#1d2327\">{}{}</text></g>",
        num(x),
        num(y + 24.0),
        esc(&shorten(&p.alias, MAX_LABEL)),
        esc(&p.symbols())
    );
}

/// The closeness circle as a standalone `<svg>` element, scaled to its container's width.
///
/// People keep the order given within each ring, evenly spread around it (leaving the top of
/// each ring free for its name); people outside the circle sit in rows below it.
pub fn closeness_circle(people: &[CirclePerson], labels: &CircleLabels) -> String {
    let id = id_safe(&labels.id);
    let outside: Vec<&CirclePerson> = people
        .iter()
        .filter(|p| ring_index(p.ring).is_none())
        .collect();
    let outside_rows = outside.len().div_ceil(OUTSIDE_COLS).max(1) as f64;
    let legend_top = OUTSIDE_TOP + 28.0 + outside_rows * OUTSIDE_ROW + 8.0;
    let height = legend_top + 3.0 * LEGEND_ROW + 8.0;

    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart closeness-circle\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\">",
        num(WIDTH),
        num(height)
    );
    let _ = write!(
        out,
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(&labels.title),
        esc(&labels.description)
    );

    // Rings, outermost first so the inner ones paint over them.
    let fills = ["#dbe8f2", "#e7f0f7", "#f3f7fb"];
    for i in (0..3).rev() {
        let _ = write!(
            out,
            "<circle class=\"ring ring-{}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"#8a949c\" stroke-width=\"1\"/>",
            i + 1,
            num(CX),
            num(CY),
            num(RING_R[i]),
            fills[i]
        );
    }
    for (i, name) in labels.rings.iter().enumerate() {
        let _ = write!(
            out,
            "<text class=\"ring-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#5a6570\">{}</text>",
            num(CX),
            num(CY - RING_R[i] + 15.0),
            esc(&shorten(name, 24))
        );
    }
    let _ = write!(
        out,
        "<circle class=\"centre\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#ffffff\" stroke=\"#1f5f8b\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\" fill=\"#1d2327\">{}</text>",
        num(CX),
        num(CY),
        num(CENTRE_R),
        num(CX),
        num(CY + 4.0),
        esc(&shorten(&labels.centre, 10))
    );

    // People in the rings: spread over 300°, skipping the 60° at the top where the ring names
    // are; each ring turns a little so neighbours in adjacent rings do not line up.
    for ring in 0..3 {
        let inner = if ring == 0 {
            CENTRE_R
        } else {
            RING_R[ring - 1]
        };
        let r = (inner + RING_R[ring]) / 2.0;
        let here: Vec<&CirclePerson> = people
            .iter()
            .filter(|p| ring_index(p.ring) == Some(ring))
            .collect();
        let n = here.len() as f64;
        for (k, p) in here.iter().enumerate() {
            let deg = -60.0 + 300.0 * (k as f64 + 0.5) / n + ring as f64 * 9.0;
            // With many people, alternate slightly in and out so labels overlap less.
            let rr = if here.len() > 6 {
                r + if k % 2 == 0 { -8.0 } else { 8.0 }
            } else {
                r
            };
            let rad = deg * PI / 180.0;
            person(
                &mut out,
                p,
                labels,
                CX + rr * rad.cos(),
                CY + rr * rad.sin() - 6.0,
            );
        }
    }

    // The band outside the circle.
    let band_h = 28.0 + outside_rows * OUTSIDE_ROW;
    let _ = write!(
        out,
        "<rect class=\"outside\" x=\"10\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"#ffffff\" stroke=\"#8a949c\" stroke-dasharray=\"5 4\"/><text x=\"20\" y=\"{}\" font-size=\"12\" fill=\"#5a6570\">{}</text>",
        num(OUTSIDE_TOP),
        num(WIDTH - 20.0),
        num(band_h),
        num(OUTSIDE_TOP + 17.0),
        esc(&labels.outside)
    );
    let col_w = (WIDTH - 20.0) / OUTSIDE_COLS as f64;
    for (k, p) in outside.iter().enumerate() {
        let col = (k % OUTSIDE_COLS) as f64;
        let row = (k / OUTSIDE_COLS) as f64;
        person(
            &mut out,
            p,
            labels,
            10.0 + col_w * (col + 0.5),
            OUTSIDE_TOP + 40.0 + row * OUTSIDE_ROW,
        );
    }

    if people.is_empty() {
        let _ = write!(
            out,
            "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#5a6570\">{}</text>",
            num(CX),
            num(OUTSIDE_TOP + 46.0),
            esc(&labels.empty)
        );
    }

    // Legend: shape and symbol for each mark.
    let legend = [
        (
            CirclePerson {
                alias: String::new(),
                ring: ClosenessRing::Inner,
                confidant: true,
                conflict: false,
                deceased: false,
            },
            SYMBOL_CONFIDANT,
            &labels.confidant,
        ),
        (
            CirclePerson {
                alias: String::new(),
                ring: ClosenessRing::Inner,
                confidant: false,
                conflict: true,
                deceased: false,
            },
            SYMBOL_CONFLICT,
            &labels.conflict,
        ),
        (
            CirclePerson {
                alias: String::new(),
                ring: ClosenessRing::Inner,
                confidant: false,
                conflict: false,
                deceased: true,
            },
            SYMBOL_DECEASED,
            &labels.deceased,
        ),
    ];
    out.push_str("<g class=\"legend\">");
    for (i, (sample, symbol, text)) in legend.iter().enumerate() {
        let y = legend_top + LEGEND_ROW * i as f64 + 8.0;
        marker(&mut out, sample, 28.0, y);
        let _ = write!(
            out,
            "<text x=\"48\" y=\"{}\" font-size=\"13\" fill=\"#1d2327\">{symbol} {}</text>",
            num(y + 4.0),
            esc(text)
        );
    }
    out.push_str("</g></svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> CircleLabels {
        CircleLabels {
            id: "c".into(),
            title: "Closeness circle".into(),
            description: "d".into(),
            centre: "Patient".into(),
            rings: ["Closest".into(), "Close".into(), "Less close".into()],
            outside: "Outside the circle".into(),
            confidant: "confidant".into(),
            conflict: "conflict".into(),
            deceased: "deceased".into(),
            empty: "Nobody yet".into(),
        }
    }

    #[test]
    fn names_are_escaped_and_marks_are_written_out() {
        let p = CirclePerson {
            alias: "<script>".into(),
            ring: ClosenessRing::Inner,
            confidant: true,
            conflict: true,
            deceased: false,
        };
        let svg = closeness_circle(&[p], &labels());
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt; ★ ◆"));
        assert!(svg.contains("<title>&lt;script&gt;: Closest, confidant, conflict</title>"));
    }

    #[test]
    fn an_empty_circle_says_so() {
        let svg = closeness_circle(&[], &labels());
        assert!(svg.contains("Nobody yet"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
