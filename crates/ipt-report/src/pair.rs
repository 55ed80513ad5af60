//! Two closeness circles side by side, at the start of treatment and now (or at the end), in
//! one drawing with a caption over each, so that changes in the patient's network can be
//! compared at a glance. Each circle is the same drawing as [`closeness_circle`], placed as a
//! nested `<svg>` and keeping its own title and description.

use std::fmt::Write;

use crate::circle::{CircleLabels, CirclePerson, closeness_circle};
use crate::svg::{esc, id_safe, num};

/// One side of the pair.
#[derive(Debug, Clone, Copy)]
pub struct CircleSide<'a> {
    /// The caption above the circle, e.g. "At the start (3 Feb 2026)".
    pub caption: &'a str,
    pub people: &'a [CirclePerson],
    /// The circle's own words; its `id` must differ from the other side's.
    pub labels: &'a CircleLabels,
}

/// The words of the pair, already translated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PairLabels {
    /// A prefix for the element ids, unique on the page.
    pub id: String,
    /// E.g. "Closeness circle at the start and now".
    pub title: String,
    /// A one- or two-sentence summary of the change, for assistive technology.
    pub description: String,
}

const CIRCLE_W: f64 = 480.0;
const GAP: f64 = 24.0;
const CAPTION_H: f64 = 28.0;

/// The height a circle drawing asks for, read from its `viewBox`.
fn drawing_height(svg: &str) -> f64 {
    svg.split_once("viewBox=\"0 0 ")
        .and_then(|(_, rest)| rest.split_once('"'))
        .and_then(|(vb, _)| vb.split_whitespace().nth(1))
        .and_then(|h| h.parse().ok())
        .unwrap_or(CIRCLE_W)
}

/// Place a standalone circle drawing at (x, y) inside the pair: its outer `<svg>` gets a
/// position and a fixed size instead of the full width.
fn nested(svg: &str, x: f64, y: f64, height: f64) -> String {
    let placed = format!(
        "<svg x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
        num(x),
        num(y),
        num(CIRCLE_W),
        num(height)
    );
    svg.replacen("<svg xmlns=\"http://www.w3.org/2000/svg\"", &placed, 1)
        .replacen(" width=\"100%\"", "", 1)
}

/// The two circles as one standalone `<svg>` element, scaled to its container's width.
pub fn closeness_pair(start: CircleSide<'_>, now: CircleSide<'_>, labels: &PairLabels) -> String {
    let id = id_safe(&labels.id);
    let drawings = [start, now].map(|s| closeness_circle(s.people, s.labels));
    let heights = [drawing_height(&drawings[0]), drawing_height(&drawings[1])];
    let height = CAPTION_H + heights[0].max(heights[1]);
    let width = CIRCLE_W * 2.0 + GAP;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart closeness-pair\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        num(width),
        num(height),
        esc(&labels.title),
        esc(&labels.description)
    );
    for (k, (side, svg)) in [start, now].iter().zip(&drawings).enumerate() {
        let x = k as f64 * (CIRCLE_W + GAP);
        let _ = write!(
            out,
            "<text class=\"caption\" x=\"{}\" y=\"18\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\" fill=\"#1d2327\">{}</text>",
            num(x + CIRCLE_W / 2.0),
            esc(side.caption)
        );
        out.push_str(&nested(svg, x, CAPTION_H, heights[k]));
    }
    let _ = write!(
        out,
        "<line x1=\"{x}\" y1=\"4\" x2=\"{x}\" y2=\"{}\" stroke=\"#d5dbe0\" stroke-width=\"1\"/></svg>",
        num(height - 4.0),
        x = num(CIRCLE_W + GAP / 2.0)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipt_domain::inventory::ClosenessRing;

    fn labels(id: &str) -> CircleLabels {
        CircleLabels {
            id: id.into(),
            title: format!("Circle {id}"),
            description: "d".into(),
            centre: "Patient".into(),
            rings: ["Closest".into(), "Close".into(), "Less close".into()],
            outside: "Outside".into(),
            confidant: "confidant".into(),
            conflict: "conflict".into(),
            deceased: "deceased".into(),
            empty: "Nobody yet".into(),
        }
    }

    #[test]
    fn both_circles_are_placed_side_by_side_with_captions() {
        let people = [CirclePerson {
            alias: "Ana".into(),
            ring: ClosenessRing::Inner,
            confidant: true,
            conflict: false,
            deceased: false,
        }];
        let (a, b) = (labels("start"), labels("now"));
        let svg = closeness_pair(
            CircleSide {
                caption: "At the start",
                people: &[],
                labels: &a,
            },
            CircleSide {
                caption: "Now",
                people: &people,
                labels: &b,
            },
            &PairLabels {
                id: "pair".into(),
                title: "Circles".into(),
                description: "d".into(),
            },
        );
        assert_eq!(svg.matches("<svg").count(), 3);
        assert_eq!(
            svg.matches("xmlns=").count(),
            1,
            "only the outer drawing declares it"
        );
        assert!(svg.contains("<svg x=\"0\" y=\"28\" width=\"480\""));
        assert!(svg.contains("<svg x=\"504\" y=\"28\" width=\"480\""));
        assert_eq!(svg.matches("width=\"100%\"").count(), 1);
        assert!(svg.contains(">At the start</text>") && svg.contains(">Now</text>"));
        assert!(svg.contains("Nobody yet") && svg.contains("Ana ★"));
    }
}
