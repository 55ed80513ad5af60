//! The item-level heat map of one instrument: a row per item, a column per administration,
//! each cell shaded by the item's score and with the score written in it, so that which
//! symptoms moved (and which did not) can be read at a glance and without colour. An item left
//! unanswered is hatched and marked with a dash, distinct from a score of 0.

use std::fmt::Write;

use crate::svg::{esc, id_safe, num, shorten};

/// One item of the instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeatmapRow {
    /// A short label, e.g. "3 · sleep problems".
    pub label: String,
    /// The item's highest score (its lowest is 0).
    pub max: u8,
    /// One value per column, in the columns' order; `None` when the item was not answered. Extra
    /// values are ignored and missing ones count as unanswered.
    pub values: Vec<Option<u8>>,
}

/// The words of the drawing, already translated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeatmapLabels {
    /// A prefix for the element ids, unique on the page.
    pub id: String,
    pub title: String,
    /// A one- or two-sentence summary for assistive technology.
    pub description: String,
    /// The header of the items column, e.g. "Item".
    pub items: String,
    /// The legend's name for the scores, e.g. "Item score".
    pub score: String,
    /// The legend's name for an unanswered item, e.g. "not answered".
    pub missing: String,
    /// Shown when there is nothing to draw.
    pub empty: String,
}

/// Everything the heat map draws.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Heatmap {
    /// The column headings, oldest first, e.g. the dates of the administrations.
    pub columns: Vec<String>,
    pub rows: Vec<HeatmapRow>,
    pub labels: HeatmapLabels,
}

const MIN_WIDTH: f64 = 640.0;
const LABEL_W: f64 = 190.0;
const LABEL_CHARS: usize = 30;
const CELL_W: f64 = 44.0;
const MIN_CELL_W: f64 = 26.0;
const HEADER_H: f64 = 64.0;
const ROW_H: f64 = 24.0;
/// From no symptom to the item's highest score; the number in each cell carries the value.
const RAMP: [&str; 6] = [
    "#f4f7fa", "#d3e2ee", "#a9c6dd", "#7aa7c9", "#4a82b0", "#23598a",
];
const TEXT: &str = "#1d2327";
const MUTED: &str = "#5a6570";

/// The shade for a score: its share of the item's range, in six steps.
fn shade(value: u8, max: u8) -> usize {
    if max == 0 {
        return 0;
    }
    let ratio = f64::from(value.min(max)) / f64::from(max);
    (ratio * (RAMP.len() - 1) as f64).round() as usize
}

fn missing_pattern(out: &mut String, id: &str) {
    let _ = write!(
        out,
        "<defs><pattern id=\"{id}-missing\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#aab6c0\" stroke-width=\"2\"/></pattern></defs>"
    );
}

/// One cell at (x, y) of width `w`: a shaded square with its score, or a hatched one with a
/// dash.
fn cell(
    out: &mut String,
    id: &str,
    (x, y, w): (f64, f64, f64),
    value: Option<u8>,
    max: u8,
    tip: &str,
) {
    let _ = write!(out, "<g class=\"cell\"><title>{}</title>", esc(tip));
    match value {
        Some(v) => {
            let s = shade(v, max);
            let ink = if s >= 4 { "#ffffff" } else { TEXT };
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"600\" fill=\"{ink}\">{v}</text>",
                num(x),
                num(y),
                num(w),
                num(ROW_H),
                RAMP[s],
                num(x + w / 2.0),
                num(y + ROW_H / 2.0 + 4.0)
            );
        }
        None => {
            let _ = write!(
                out,
                "<rect class=\"missing\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{id}-missing)\" stroke=\"#ffffff\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{MUTED}\">–</text>",
                num(x),
                num(y),
                num(w),
                num(ROW_H),
                num(x + w / 2.0),
                num(y + ROW_H / 2.0 + 4.0)
            );
        }
    }
    out.push_str("</g>");
}

/// The item heat map as a standalone `<svg>` element, scaled to its container's width. With
/// many administrations the cells narrow (down to a minimum) before the drawing widens.
pub fn item_heatmap(input: &Heatmap) -> String {
    let labels = &input.labels;
    let id = id_safe(&labels.id);
    let n = input.columns.len();
    let mut out = String::new();
    if n == 0 || input.rows.is_empty() {
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart item-heatmap\" viewBox=\"0 0 {w} 90\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc><rect x=\"1\" y=\"1\" width=\"{}\" height=\"88\" rx=\"6\" fill=\"#ffffff\" stroke=\"#d5dbe0\"/><text class=\"empty\" x=\"{}\" y=\"50\" text-anchor=\"middle\" font-size=\"13\" fill=\"{MUTED}\">{}</text></svg>",
            esc(&labels.title),
            esc(&labels.description),
            num(MIN_WIDTH - 2.0),
            num(MIN_WIDTH / 2.0),
            esc(&labels.empty),
            w = num(MIN_WIDTH)
        );
        return out;
    }
    let room = MIN_WIDTH - LABEL_W - 10.0;
    let cell_w = (room / n as f64).clamp(MIN_CELL_W, CELL_W);
    let width = (LABEL_W + cell_w * n as f64 + 10.0).max(MIN_WIDTH);
    let grid_top = HEADER_H;
    let grid_bottom = grid_top + ROW_H * input.rows.len() as f64;
    let legend_y = grid_bottom + 30.0;
    let height = legend_y + 16.0;

    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart item-heatmap\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        num(width),
        num(height),
        esc(&labels.title),
        esc(&labels.description)
    );
    missing_pattern(&mut out, &id);

    // Column headings, slanted so dates fit over narrow columns.
    let _ = write!(
        out,
        "<text x=\"4\" y=\"{}\" font-size=\"11\" font-weight=\"600\" fill=\"{TEXT}\">{}</text>",
        num(HEADER_H - 8.0),
        esc(&labels.items)
    );
    out.push_str("<g class=\"columns\">");
    for (c, heading) in input.columns.iter().enumerate() {
        let x = LABEL_W + cell_w * (c as f64 + 0.5);
        let y = HEADER_H - 8.0;
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"{y}\" font-size=\"10\" fill=\"{TEXT}\" transform=\"rotate(-40 {x} {y})\">{}</text>",
            esc(&shorten(heading, 14)),
            x = num(x),
            y = num(y)
        );
    }
    out.push_str("</g>");

    // One row per item.
    for (r, row) in input.rows.iter().enumerate() {
        let y = grid_top + ROW_H * r as f64;
        let _ = write!(
            out,
            "<g class=\"item\"><text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"{TEXT}\">{}</text>",
            num(y + ROW_H / 2.0 + 4.0),
            esc(&shorten(&row.label, LABEL_CHARS))
        );
        for c in 0..n {
            let value = row.values.get(c).copied().flatten();
            let tip = match value {
                Some(v) => format!("{} · {} · {v}/{}", row.label, input.columns[c], row.max),
                None => format!("{} · {} · {}", row.label, input.columns[c], labels.missing),
            };
            cell(
                &mut out,
                &id,
                (LABEL_W + cell_w * c as f64, y, cell_w),
                value,
                row.max,
                &tip,
            );
        }
        out.push_str("</g>");
    }

    // Legend: the scores of the most common scale, then the unanswered mark.
    let max = common_max(&input.rows);
    let steps: Vec<u8> = if max <= 5 {
        (0..=max).collect()
    } else {
        vec![0, max / 2, max]
    };
    let _ = write!(
        out,
        "<g class=\"legend\"><text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"{TEXT}\">{}</text>",
        num(legend_y),
        esc(&labels.score)
    );
    let mut x = LABEL_W;
    for v in steps {
        let s = shade(v, max);
        let ink = if s >= 4 { "#ffffff" } else { TEXT };
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"16\" fill=\"{}\" stroke=\"#aab6c0\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{ink}\">{v}</text>",
            num(x),
            num(legend_y - 12.0),
            RAMP[s],
            num(x + 12.0),
            num(legend_y),
        );
        x += 26.0;
    }
    let _ = write!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"16\" fill=\"url(#{id}-missing)\" stroke=\"#aab6c0\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{MUTED}\">–</text><text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{TEXT}\">{}</text></g></svg>",
        num(x + 10.0),
        num(legend_y - 12.0),
        num(x + 22.0),
        num(legend_y),
        num(x + 40.0),
        num(legend_y),
        esc(&labels.missing)
    );
    out
}

/// The highest score most items share (the largest on a tie).
fn common_max(rows: &[HeatmapRow]) -> u8 {
    let mut counts = [0usize; 256];
    for r in rows {
        counts[usize::from(r.max)] += 1;
    }
    let best = counts.iter().copied().max().unwrap_or(0);
    (0..=255u8)
        .rev()
        .find(|&m| counts[usize::from(m)] == best)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> HeatmapLabels {
        HeatmapLabels {
            id: "h".into(),
            title: "Items".into(),
            description: "d".into(),
            items: "Item".into(),
            score: "Score".into(),
            missing: "not answered".into(),
            empty: "No answers yet".into(),
        }
    }

    #[test]
    fn every_cell_carries_its_number_and_missing_items_a_dash() {
        let h = Heatmap {
            columns: vec!["2026-01-10".into(), "2026-02-10".into()],
            rows: vec![HeatmapRow {
                label: "1 · interest".into(),
                max: 3,
                values: vec![Some(3), None],
            }],
            labels: labels(),
        };
        let svg = item_heatmap(&h);
        assert!(svg.contains("<title>1 · interest · 2026-01-10 · 3/3</title>"));
        assert!(svg.contains("<title>1 · interest · 2026-02-10 · not answered</title>"));
        assert_eq!(svg.matches("class=\"missing\"").count(), 1);
        assert!(svg.contains(">3</text>") && svg.contains(">–</text>"));
    }

    #[test]
    fn nothing_to_draw_says_so() {
        let svg = item_heatmap(&Heatmap {
            labels: labels(),
            ..Default::default()
        });
        assert!(svg.contains("No answers yet") && svg.ends_with("</svg>"));
    }

    #[test]
    fn shades_follow_the_share_of_the_range() {
        assert_eq!(shade(0, 3), 0);
        assert_eq!(shade(3, 3), RAMP.len() - 1);
        assert_eq!(
            shade(9, 3),
            RAMP.len() - 1,
            "values above the scale are clamped"
        );
        assert_eq!(shade(1, 0), 0);
    }
}
