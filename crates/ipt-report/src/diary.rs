//! The mood diary chart: the patient's daily mood (0–10) as a line with a point per day, and
//! above each day the people they spent time with, one mark per contact, shaped and coloured by
//! how it went (▼ worse, ○ neutral, ▲ better; filled when strongly so). Each mark names the
//! person and the rating in its tooltip, and the legend spells the marks out. The chart shows
//! what was written down; it does not say that a contact caused a mood.

use std::fmt::Write;

use time::Date;

use crate::axis::{DateScale, DateSpan, LegendItem, date_ticks, iso_day, legend, value_ticks};
use crate::svg::{esc, id_safe, num};

/// One day of the diary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiaryDay {
    pub date: Date,
    /// 0–10; values above 10 are drawn as 10.
    pub mood: u8,
    /// (person's alias, how the contact went from −2 to +2; values beyond are clamped).
    pub interactions: Vec<(String, i8)>,
}

/// The words of the chart, already translated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiaryLabels {
    /// A prefix for the element ids, unique on the page.
    pub id: String,
    pub title: String,
    /// A one- or two-sentence summary for assistive technology.
    pub description: String,
    /// The name of the mood axis, e.g. "Mood (0–10)".
    pub axis: String,
    /// The header of the contacts lane, e.g. "People seen".
    pub contacts: String,
    /// How a contact went, from −2 to +2, e.g. "went very badly" … "went very well".
    pub quality: [String; 5],
    /// Written after the stacked marks of a day with more contacts than fit, e.g. "more" →
    /// "+3 more" (the tooltip lists them all).
    pub more: String,
    /// Shown when there are no days yet.
    pub empty: String,
}

const WIDTH: f64 = 640.0;
const X0: f64 = 44.0;
const X1: f64 = 616.0;
const MOOD_MAX: u8 = 10;
/// Marks stacked per day before the rest are summed up as "+n".
const STACK: usize = 5;
const MARK_ROW: f64 = 12.0;
const PLOT_H: f64 = 180.0;
const TEXT: &str = "#1d2327";
const MUTED: &str = "#5a6570";
const LINE: &str = "#1f5f8b";
const WORSE: &str = "#a4262c";
const BETTER: &str = "#2e6b3a";
const NEUTRAL: &str = "#5a6570";

fn clamp_quality(q: i8) -> i8 {
    q.clamp(-2, 2)
}

/// The mark for a contact rating, centred on (x, y) with half-size `r`.
fn mark(q: i8, x: f64, y: f64, r: f64) -> String {
    let q = clamp_quality(q);
    let (colour, filled) = match q {
        -2 => (WORSE, true),
        -1 => (WORSE, false),
        0 => (NEUTRAL, false),
        1 => (BETTER, false),
        _ => (BETTER, true),
    };
    let fill = if filled { colour } else { "#ffffff" };
    match q.signum() {
        0 => format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
            num(x),
            num(y),
            num(r * 0.85)
        ),
        s => {
            // ▲ for better (s = 1), ▼ for worse (s = −1).
            let s = f64::from(s);
            format!(
                "<path d=\"M{} {} L{} {} L{} {} Z\" fill=\"{fill}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
                num(x),
                num(y - s * r),
                num(x + r),
                num(y + s * r),
                num(x - r),
                num(y + s * r)
            )
        }
    }
}

/// The mood diary chart as a standalone `<svg>` element, scaled to its container's width.
pub fn diary_mood(days: &[DiaryDay], labels: &DiaryLabels) -> String {
    let id = id_safe(&labels.id);
    let mut sorted: Vec<&DiaryDay> = days.iter().collect();
    sorted.sort_by_key(|d| d.date);
    let mut out = String::new();
    let open = |out: &mut String, height: f64| {
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart diary-mood\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
            num(WIDTH),
            num(height),
            esc(&labels.title),
            esc(&labels.description)
        );
    };
    let Some(span) = DateSpan::of(sorted.iter().map(|d| d.date), 7) else {
        open(&mut out, 90.0);
        let _ = write!(
            out,
            "<rect x=\"1\" y=\"1\" width=\"{}\" height=\"88\" rx=\"6\" fill=\"#ffffff\" stroke=\"#d5dbe0\"/><text class=\"empty\" x=\"{}\" y=\"50\" text-anchor=\"middle\" font-size=\"13\" fill=\"{MUTED}\">{}</text></svg>",
            num(WIDTH - 2.0),
            num(WIDTH / 2.0),
            esc(&labels.empty)
        );
        return out;
    };
    let scale = DateScale {
        span,
        x0: X0,
        x1: X1,
    };
    // Marks shrink when days sit close together, so neighbouring days stay apart.
    let gap = sorted
        .windows(2)
        .map(|w| scale.x(w[1].date) - scale.x(w[0].date))
        .filter(|g| *g > 0.0)
        .fold(f64::INFINITY, f64::min);
    let r = (gap * 0.4).clamp(2.5, 5.0);
    let stack = sorted
        .iter()
        .map(|d| d.interactions.len().min(STACK))
        .max()
        .unwrap_or(0);
    let lane_top = 20.0;
    let lane_h = if stack == 0 {
        0.0
    } else {
        MARK_ROW * stack as f64 + 16.0
    };
    let pt = lane_top + lane_h + 10.0;
    let pb = pt + PLOT_H;
    let y = |mood: u8| pb - f64::from(mood.min(MOOD_MAX)) / f64::from(MOOD_MAX) * PLOT_H;

    let quality_items: Vec<LegendItem> = (-2i8..=2)
        .map(|q| LegendItem {
            sample: mark(q, 7.0, 0.0, 5.0),
            text: labels.quality[usize::try_from(q + 2).unwrap_or(0)].clone(),
        })
        .collect();
    let (legend_svg, legend_bottom) = if stack > 0 {
        legend(&quality_items, X0, X1, pb + 40.0, 18.0)
    } else {
        (String::new(), pb + 24.0)
    };
    open(&mut out, legend_bottom + 4.0);

    // The mood axis and the time axis.
    let _ = write!(
        out,
        "<g class=\"y-axis\"><line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{TEXT}\" stroke-width=\"1\"/>",
        num(pt),
        num(pb),
        x = num(X0)
    );
    for v in value_ticks(0.0, f64::from(MOOD_MAX)) {
        let ty = num(pb - v / f64::from(MOOD_MAX) * PLOT_H);
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{ty}\" x2=\"{}\" y2=\"{ty}\" stroke=\"#e3e7ea\" stroke-width=\"1\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\" fill=\"{MUTED}\">{}</text>",
            num(X0),
            num(X1),
            num(X0 - 6.0),
            num(pb - v / f64::from(MOOD_MAX) * PLOT_H + 3.5),
            num(v)
        );
    }
    let mid = (pt + pb) / 2.0;
    let _ = write!(
        out,
        "<text x=\"12\" y=\"{m}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{MUTED}\" transform=\"rotate(-90 12 {m})\">{}</text></g>",
        esc(&labels.axis),
        m = num(mid)
    );
    let _ = write!(
        out,
        "<g class=\"x-axis\"><line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{TEXT}\" stroke-width=\"1\"/>",
        num(X0),
        num(X1),
        b = num(pb)
    );
    for (d, text) in date_ticks(span) {
        let x = num(scale.x(d));
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{TEXT}\" stroke-width=\"1\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{MUTED}\">{}</text>",
            num(pb),
            num(pb + 4.0),
            num(pb + 15.0),
            esc(&text)
        );
    }
    out.push_str("</g>");

    // The contacts lane: one column of marks per day, the first contact nearest the plot.
    if stack > 0 {
        let _ = write!(
            out,
            "<text class=\"lane\" x=\"{}\" y=\"12\" font-size=\"11\" font-weight=\"600\" fill=\"{TEXT}\">{}</text><g class=\"contacts\">",
            num(X0),
            esc(&labels.contacts)
        );
        let base = lane_top + lane_h - 6.0;
        for d in &sorted {
            let x = scale.x(d.date);
            for (k, (alias, q)) in d.interactions.iter().take(STACK).enumerate() {
                let q = clamp_quality(*q);
                let words = &labels.quality[usize::try_from(q + 2).unwrap_or(0)];
                let _ = write!(
                    out,
                    "<g class=\"contact q{}\"><title>{} · {}: {}</title>{}</g>",
                    match q {
                        -2 => "m2",
                        -1 => "m1",
                        0 => "0",
                        1 => "p1",
                        _ => "p2",
                    },
                    iso_day(d.date),
                    esc(alias.trim()),
                    esc(words),
                    mark(q, x, base - MARK_ROW * k as f64, r)
                );
            }
            let extra = d.interactions.len().saturating_sub(STACK);
            if extra > 0 {
                let rest: Vec<String> = d.interactions[STACK..]
                    .iter()
                    .map(|(a, q)| {
                        format!(
                            "{}: {}",
                            a.trim(),
                            labels.quality[usize::try_from(clamp_quality(*q) + 2).unwrap_or(0)]
                        )
                    })
                    .collect();
                let _ = write!(
                    out,
                    "<g class=\"contact more\"><title>{} · {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"8\" fill=\"{TEXT}\">+{extra} {}</text></g>",
                    iso_day(d.date),
                    esc(&rest.join("; ")),
                    num(x),
                    num(lane_top + 6.0),
                    esc(&labels.more)
                );
            }
        }
        out.push_str("</g>");
    }

    // Mood: a line through the days, a point each, and the number when there is room.
    let coords: Vec<(f64, f64)> = sorted
        .iter()
        .map(|d| (scale.x(d.date), y(d.mood)))
        .collect();
    if coords.len() > 1 {
        let pts: Vec<String> = coords
            .iter()
            .map(|(x, yy)| format!("{},{}", num(*x), num(*yy)))
            .collect();
        let _ = write!(
            out,
            "<polyline class=\"trend\" points=\"{}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>",
            pts.join(" ")
        );
    }
    let write_values = gap >= 16.0 || sorted.len() == 1;
    out.push_str("<g class=\"points\">");
    for (d, (x, yy)) in sorted.iter().zip(&coords) {
        let mood = d.mood.min(MOOD_MAX);
        let _ = write!(
            out,
            "<g class=\"point\"><title>{} · {}: {mood}/{MOOD_MAX}</title><circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{LINE}\" stroke=\"#ffffff\" stroke-width=\"1\"/>",
            iso_day(d.date),
            esc(&labels.axis),
            num(*x),
            num(*yy),
            num(r.max(3.0))
        );
        if write_values {
            let ty = if *yy - 8.0 < pt + 2.0 {
                yy + 15.0
            } else {
                yy - 8.0
            };
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"600\" fill=\"{TEXT}\">{mood}</text>",
                num(*x),
                num(ty)
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</g>");
    out.push_str(&legend_svg);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn labels() -> DiaryLabels {
        DiaryLabels {
            id: "d".into(),
            title: "Diary".into(),
            description: "d".into(),
            axis: "Mood".into(),
            contacts: "People".into(),
            quality: [
                "very badly".into(),
                "badly".into(),
                "neither".into(),
                "well".into(),
                "very well".into(),
            ],
            more: "more".into(),
            empty: "No diary days yet".into(),
        }
    }

    #[test]
    fn contacts_are_shaped_by_how_they_went_and_named() {
        let days = [
            DiaryDay {
                date: date!(2026 - 03 - 02),
                mood: 4,
                interactions: vec![("Mum".into(), -2), ("Ana <x>".into(), 2)],
            },
            DiaryDay {
                date: date!(2026 - 03 - 03),
                mood: 6,
                interactions: vec![("Sam".into(), 0)],
            },
        ];
        let svg = diary_mood(&days, &labels());
        assert!(svg.contains("<title>2026-03-02 · Mum: very badly</title>"));
        assert!(svg.contains("Ana &lt;x&gt;: very well"));
        assert!(svg.contains("class=\"contact qm2\"") && svg.contains("class=\"contact qp2\""));
        assert!(svg.contains("class=\"contact q0\""));
    }

    #[test]
    fn too_many_contacts_are_summed_up_and_mood_is_clamped() {
        let day = DiaryDay {
            date: date!(2026 - 03 - 02),
            mood: 14,
            interactions: (0..8).map(|i| (format!("P{i}"), 1)).collect(),
        };
        let svg = diary_mood(&[day], &labels());
        assert!(svg.contains("+3 more"));
        assert!(svg.contains("P7: well"));
        assert!(svg.contains(": 10/10</title>"));
    }

    #[test]
    fn no_days_says_so() {
        let svg = diary_mood(&[], &labels());
        assert!(svg.contains("No diary days yet") && svg.ends_with("</svg>"));
    }
}
