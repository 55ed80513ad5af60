//! The score trajectory of one instrument over a course (measurement-based care): the totals
//! as a line over time, on the instrument's severity bands, with the reliable-change band
//! around the baseline, session and phase markers along the time axis, and life events from
//! the timeline as numbered annotations.
//!
//! The reliable-change band is the range of totals that do not differ reliably from the
//! baseline: baseline ± the instrument's reliable-change threshold (a published number of
//! points, or 1.96 × SD × √(2 (1 − r)) after Jacobson & Truax 1991). A total outside it is a
//! reliable change; the chart shows where, and the words say which way is better.
//!
//! Meaning never rests on colour alone: every severity band is named, every total is printed
//! beside its point, the band edges are dashed lines, phases and events are written out, and
//! a total beyond the axis is drawn as a triangle pointing off the chart.

use std::fmt::Write;

use time::Date;

use crate::axis::{
    DateScale, DateSpan, LegendItem, date_ticks, iso_day, legend, text_width, value_ticks,
};
use crate::svg::{esc, id_safe, num, shorten};

/// A severity band, drawn between two totals. For whole-number totals, pass `min − 0.5` and
/// `max + 0.5` so that a total on a cut-off sits inside its band rather than on its edge; the
/// edges are clamped to the axis.
#[derive(Debug, Clone, PartialEq)]
pub struct SeverityBand {
    pub lower: f64,
    pub upper: f64,
    /// The band's name, e.g. "moderate (10–14)".
    pub label: String,
}

/// One total on the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorePoint {
    pub date: Date,
    pub total: f64,
    /// The session it was given at, if any.
    pub session: Option<u16>,
}

/// A session held, marked on the time axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionMarker {
    pub date: Date,
    pub number: u16,
}

/// The start of a phase, drawn as a dashed vertical line with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseMarker {
    pub date: Date,
    /// E.g. "Middle phase".
    pub label: String,
}

/// A life event from the timeline, drawn as a numbered pin and listed under the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeEvent {
    pub date: Date,
    /// The event in words, with its date as the reader should see it (dates may be
    /// approximate), e.g. "March 2026 · Move · new flat". Listed under the chart by number.
    pub label: String,
}

/// The words of the chart, already translated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrajectoryLabels {
    /// A prefix for the element ids, unique on the page.
    pub id: String,
    /// The chart's title, e.g. "PHQ-9 over the course".
    pub title: String,
    /// A one- or two-sentence summary for assistive technology, e.g. the first and the latest
    /// total.
    pub description: String,
    /// The name of the value axis, e.g. "PHQ-9 total".
    pub axis: String,
    /// The baseline line in the legend, e.g. "Baseline (18)".
    pub baseline: String,
    /// The reliable-change band in the legend, e.g. "No reliable change from baseline (±6)".
    pub reliable_band: String,
    /// Written before a session number on the axis and in tooltips, e.g. "S" → "S4".
    pub session_prefix: String,
    /// The header of the life-events lane, e.g. "Life events".
    pub events: String,
    /// Shown when there are no totals yet.
    pub empty: String,
}

/// Everything the trajectory chart draws.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trajectory {
    /// The instrument's short name, e.g. "PHQ-9".
    pub instrument: String,
    /// The value axis, usually the instrument's lowest and highest possible total.
    pub y_min: f64,
    pub y_max: f64,
    /// In any order; drawn from the lowest up.
    pub bands: Vec<SeverityBand>,
    /// In any order; joined in date order.
    pub points: Vec<ScorePoint>,
    /// The baseline total the reliable-change band is drawn around (usually the first total).
    pub baseline: Option<f64>,
    /// Half the width of the reliable-change band, in points. No band without it.
    pub reliable_change: Option<f64>,
    pub sessions: Vec<SessionMarker>,
    pub phases: Vec<PhaseMarker>,
    /// Events outside the chart's dates are left out.
    pub events: Vec<LifeEvent>,
    pub labels: TrajectoryLabels,
}

const WIDTH: f64 = 680.0;
const X0: f64 = 44.0;
const X1: f64 = 540.0;
/// Band names are written right of the plot, each level with its band where there is room.
const BAND_LABEL_X: f64 = X1 + 6.0;
const BAND_LABEL_CHARS: usize = 24;
/// The events lane, then the phase names, then the plot.
const EVENT_PIN_Y: [f64; 2] = [30.0, 50.0];
/// The lanes above the plot take room only when they have something to show.
const EVENTS_LANE: f64 = 62.0;
const PHASES_LANE: f64 = 22.0;
const PLOT_H: f64 = 200.0;
const ROW: f64 = 18.0;
/// Shades for the severity bands, lightest first; the names carry the meaning.
const BAND_FILL: [&str; 6] = [
    "#f5f8fa", "#e9eff4", "#dde6ee", "#d0dce7", "#c3d2e0", "#b6c8d9",
];
const LINE: &str = "#1f5f8b";
const TEXT: &str = "#1d2327";
const MUTED: &str = "#5a6570";
const RC_FILL: &str = "#f2e3b3";
const RC_STROKE: &str = "#8a6d1a";

/// The value scale, and the plot's top and bottom.
struct Y {
    min: f64,
    max: f64,
    pt: f64,
    pb: f64,
}

impl Y {
    fn y(&self, v: f64) -> f64 {
        let range = (self.max - self.min).max(1e-9);
        self.pb - (v.clamp(self.min, self.max) - self.min) / range * (self.pb - self.pt)
    }
}

/// The band a total falls in, if any (the first, counting from the lowest band).
fn band_of(bands: &[&SeverityBand], v: f64) -> Option<String> {
    bands
        .iter()
        .find(|b| v >= b.lower && v <= b.upper)
        .map(|b| b.label.clone())
}

fn open_svg(out: &mut String, id: &str, height: f64, labels: &TrajectoryLabels) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart score-trajectory\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        num(WIDTH),
        num(height),
        esc(&labels.title),
        esc(&labels.description)
    );
}

/// The score trajectory as a standalone `<svg>` element, scaled to its container's width.
pub fn score_trajectory(input: &Trajectory) -> String {
    let labels = &input.labels;
    let id = id_safe(&labels.id);
    let mut out = String::new();

    let mut points: Vec<&ScorePoint> = input
        .points
        .iter()
        .filter(|p| p.total.is_finite())
        .collect();
    // A stable sort: totals of the same day keep the order given.
    points.sort_by_key(|p| p.date);
    let span = DateSpan::of(
        points
            .iter()
            .map(|p| p.date)
            .chain(input.sessions.iter().map(|s| s.date))
            .chain(input.phases.iter().map(|p| p.date)),
        14,
    );
    let (Some(span), false) = (span, points.is_empty()) else {
        open_svg(&mut out, &id, 90.0, labels);
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
    let (lo, hi) = if input.y_max > input.y_min {
        (input.y_min, input.y_max)
    } else {
        (input.y_min, input.y_min + 1.0)
    };

    let mut bands: Vec<&SeverityBand> = input
        .bands
        .iter()
        .filter(|b| b.upper > b.lower && b.upper > lo && b.lower < hi)
        .collect();
    bands.sort_by(|a, b| a.lower.total_cmp(&b.lower));

    let mut events: Vec<&LifeEvent> = input
        .events
        .iter()
        .filter(|e| span.contains(e.date))
        .collect();
    events.sort_by_key(|e| e.date);
    let mut phases: Vec<&PhaseMarker> = input.phases.iter().collect();
    phases.sort_by_key(|p| p.date);
    let pt = if events.is_empty() { 0.0 } else { EVENTS_LANE }
        + if phases.is_empty() { 8.0 } else { PHASES_LANE };
    let pb = pt + PLOT_H;
    let y = Y {
        min: lo,
        max: hi,
        pt,
        pb,
    };

    // The legend: baseline and band, severity bands, then the numbered events.
    let mut items = vec![];
    let rc = match (input.baseline, input.reliable_change) {
        (Some(b), Some(h)) if h > 0.0 && b.is_finite() && h.is_finite() => Some((b, h)),
        _ => None,
    };
    if input.baseline.is_some_and(f64::is_finite) && !labels.baseline.is_empty() {
        items.push(LegendItem {
            sample: format!("<line x1=\"0\" y1=\"0\" x2=\"14\" y2=\"0\" stroke=\"{LINE}\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>"),
            text: labels.baseline.clone(),
        });
    }
    if rc.is_some() && !labels.reliable_band.is_empty() {
        items.push(LegendItem {
            sample: format!("<rect x=\"0\" y=\"-5\" width=\"14\" height=\"10\" fill=\"{RC_FILL}\" fill-opacity=\"0.6\" stroke=\"{RC_STROKE}\" stroke-dasharray=\"3 2\"/>"),
            text: labels.reliable_band.clone(),
        });
    }
    let (legend_svg, legend_bottom) = legend(&items, X0, X1, pb + 54.0, ROW);
    let events_top = legend_bottom + 4.0;
    let height = events_top + ROW * events.len() as f64 + 4.0;

    open_svg(&mut out, &id, height, labels);

    // Severity bands, lowest first, each named beside the plot.
    let label_y = band_label_positions(&bands, &y);
    out.push_str("<g class=\"bands\">");
    for (i, b) in bands.iter().enumerate() {
        let (top, bottom) = (y.y(b.upper), y.y(b.lower));
        let _ = write!(
            out,
            "<g class=\"band band-{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            i + 1,
            esc(&b.label),
            num(X0),
            num(top),
            num(X1 - X0),
            num(bottom - top),
            BAND_FILL[i.min(BAND_FILL.len() - 1)]
        );
        if i > 0 {
            let _ = write!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#aab6c0\" stroke-width=\"1\"/>",
                num(X0),
                num(X1),
                y = num(bottom)
            );
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{TEXT}\">{}</text>",
            num(BAND_LABEL_X),
            num(label_y[i] + 3.5),
            esc(&shorten(&b.label, BAND_LABEL_CHARS))
        );
        out.push_str("</g>");
    }
    out.push_str("</g>");

    // The reliable-change band around the baseline, from the first total on.
    let first_x = scale.x(points[0].date);
    if let Some((b, h)) = rc {
        let (top, bottom) = (y.y(b + h), y.y(b - h));
        let _ = write!(
            out,
            "<g class=\"reliable-change\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{RC_FILL}\" fill-opacity=\"0.6\"/>",
            esc(&labels.reliable_band),
            num(first_x),
            num(top),
            num((X1 - first_x).max(1.0)),
            num(bottom - top)
        );
        for edge in [top, bottom] {
            let _ = write!(
                out,
                "<line x1=\"{}\" y1=\"{e}\" x2=\"{}\" y2=\"{e}\" stroke=\"{RC_STROKE}\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>",
                num(first_x),
                num(X1),
                e = num(edge)
            );
        }
        out.push_str("</g>");
    }
    if let Some(b) = input.baseline.filter(|b| b.is_finite()) {
        let _ = write!(
            out,
            "<line class=\"baseline\" x1=\"{}\" y1=\"{v}\" x2=\"{}\" y2=\"{v}\" stroke=\"{LINE}\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>",
            num(first_x),
            num(X1),
            v = num(y.y(b))
        );
    }

    // The value axis.
    let _ = write!(
        out,
        "<g class=\"y-axis\"><line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{TEXT}\" stroke-width=\"1\"/>",
        num(pt),
        num(pb),
        x = num(X0)
    );
    for v in value_ticks(lo, hi) {
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{ty}\" x2=\"{}\" y2=\"{ty}\" stroke=\"{TEXT}\" stroke-width=\"1\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\" fill=\"{MUTED}\">{}</text>",
            num(X0 - 4.0),
            num(X0),
            num(X0 - 6.0),
            num(y.y(v) + 3.5),
            num(v),
            ty = num(y.y(v))
        );
    }
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{MUTED}\" transform=\"rotate(-90 {} {})\">{}</text></g>",
        num(12.0),
        num((pt + pb) / 2.0),
        num(12.0),
        num((pt + pb) / 2.0),
        esc(&shorten(&labels.axis, 40))
    );

    // The time axis.
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

    // Sessions: a mark on the axis each, numbered where the numbers do not collide.
    let mut sessions: Vec<&SessionMarker> = input.sessions.iter().collect();
    sessions.sort_by_key(|s| (s.date, s.number));
    if !sessions.is_empty() {
        out.push_str("<g class=\"sessions\">");
        let mut last_label = f64::NEG_INFINITY;
        for s in sessions {
            let x = scale.x(s.date);
            let text = format!("{}{}", labels.session_prefix, s.number);
            let _ = write!(
                out,
                "<g class=\"session\"><title>{} · {}</title><path d=\"M{} {} l-4 7 h8 Z\" fill=\"{LINE}\"/>",
                esc(&text),
                iso_day(s.date),
                num(x),
                num(pb + 18.0)
            );
            let w = text_width(&text, 9.0);
            if x - w / 2.0 > last_label + 3.0 {
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9\" fill=\"{TEXT}\">{}</text>",
                    num(x),
                    num(pb + 35.0),
                    esc(&text)
                );
                last_label = x + w / 2.0;
            }
            out.push_str("</g>");
        }
        out.push_str("</g>");
    }

    // Phases: a dashed line at each start, named above the plot up to the next phase.
    if !phases.is_empty() {
        out.push_str("<g class=\"phases\">");
        for (k, p) in phases.iter().enumerate() {
            let x = scale.x(p.date);
            let next = phases.get(k + 1).map_or(X1, |n| scale.x(n.date));
            let room = ((next - x - 6.0) / (10.0 * 0.58)).floor().max(1.0) as usize;
            let _ = write!(
                out,
                "<g class=\"phase\"><title>{} · {}</title><line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{TEXT}\" stroke-width=\"1\" stroke-dasharray=\"2 3\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" font-weight=\"600\" fill=\"{TEXT}\">{}</text></g>",
                esc(&p.label),
                iso_day(p.date),
                num(pt - 16.0),
                num(pb),
                num(x + 3.0),
                num(pt - 8.0),
                esc(&shorten(&p.label, room.min(30))),
                x = num(x)
            );
        }
        out.push_str("</g>");
    }

    // Life events: numbered pins above the plot with a dotted line down to the axis.
    if !events.is_empty() {
        let _ = write!(
            out,
            "<g class=\"events\"><text x=\"{}\" y=\"12\" font-size=\"11\" font-weight=\"600\" fill=\"{TEXT}\">▼ {}</text>",
            num(X0),
            esc(&labels.events)
        );
        for (i, e) in events.iter().enumerate() {
            let x = num(scale.x(e.date));
            let top = EVENT_PIN_Y[i % 2];
            let _ = write!(
                out,
                "<g class=\"event\"><title>{n}. {}</title><line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{MUTED}\" stroke-width=\"1\" stroke-dasharray=\"1 2\"/><circle cx=\"{x}\" cy=\"{}\" r=\"8\" fill=\"#ffffff\" stroke=\"{TEXT}\" stroke-width=\"1.5\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9\" font-weight=\"600\" fill=\"{TEXT}\">{n}</text></g>",
                esc(&e.label),
                num(top + 8.0),
                num(pb),
                num(top),
                num(top + 3.0),
                n = i + 1
            );
        }
        out.push_str("</g>");
    }

    // The totals: a line in date order, a point each, and the number beside it. With many
    // totals only the first, the last and the extremes are written, so numbers stay legible.
    let coords: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (scale.x(p.date), y.y(p.total)))
        .collect();
    if coords.len() > 1 {
        let d: Vec<String> = coords
            .iter()
            .map(|(x, yy)| format!("{},{}", num(*x), num(*yy)))
            .collect();
        let _ = write!(
            out,
            "<polyline class=\"trend\" points=\"{}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>",
            d.join(" ")
        );
    }
    let many = points.len() > 16;
    let (min_i, max_i) = extremes(&points);
    out.push_str("<g class=\"points\">");
    for (i, (p, (x, yy))) in points.iter().zip(&coords).enumerate() {
        let mut tip = vec![];
        if let Some(n) = p.session {
            tip.push(format!("{}{n}", labels.session_prefix));
        }
        tip.push(iso_day(p.date));
        tip.push(format!("{} {}", input.instrument, num(p.total)));
        if let Some(band) = band_of(&bands, p.total) {
            tip.push(band);
        }
        let above = p.total > hi;
        let below = p.total < lo;
        let class = if above || below {
            "point clamped"
        } else {
            "point"
        };
        let _ = write!(
            out,
            "<g class=\"{class}\"><title>{}</title>",
            esc(&tip.join(" · "))
        );
        if above || below {
            // A triangle pointing off the chart: the total lies beyond the axis.
            let dir = if above { -1.0 } else { 1.0 };
            let _ = write!(
                out,
                "<path d=\"M{} {} L{} {} L{} {} Z\" fill=\"{LINE}\" stroke=\"#ffffff\" stroke-width=\"1\"/>",
                num(*x),
                num(yy + dir * 7.0),
                num(x + 6.0),
                num(yy - dir * 3.0),
                num(x - 6.0),
                num(yy - dir * 3.0)
            );
        } else {
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{LINE}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>",
                num(*x),
                num(*yy)
            );
        }
        let write_value = !many || i == 0 || i + 1 == points.len() || i == min_i || i == max_i;
        if write_value {
            // Above the point, unless that would leave the plot.
            let ty = if *yy - 9.0 < pt + 2.0 {
                yy + 16.0
            } else {
                yy - 9.0
            };
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"600\" fill=\"{TEXT}\">{}</text>",
                num(*x),
                num(ty),
                num(p.total)
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</g>");

    out.push_str(&legend_svg);
    for (i, e) in events.iter().enumerate() {
        let _ = write!(
            out,
            "<text class=\"event-label\" x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{TEXT}\">{}. {}</text>",
            num(X0),
            num(events_top + ROW * i as f64 + 8.0),
            i + 1,
            esc(&shorten(&e.label, 90))
        );
    }
    out.push_str("</svg>");
    out
}

/// Where to write each band's name: level with the band's middle, moved apart just enough that
/// names of thin neighbouring bands do not overlap, and kept beside the plot.
fn band_label_positions(bands: &[&SeverityBand], y: &Y) -> Vec<f64> {
    const GAP: f64 = 12.0;
    // Bands come lowest first, so their names go from the bottom of the plot up.
    let mut at: Vec<f64> = bands
        .iter()
        .map(|b| (y.y(b.lower) + y.y(b.upper)) / 2.0)
        .collect();
    for i in 0..at.len() {
        at[i] = at[i].min(y.pb - 4.0);
        if i > 0 {
            at[i] = at[i].min(at[i - 1] - GAP);
        }
    }
    for i in (0..at.len()).rev() {
        at[i] = at[i].max(y.pt + 4.0);
        if i + 1 < at.len() {
            at[i] = at[i].max(at[i + 1] + GAP);
        }
    }
    at
}

/// Indices of the lowest and the highest total (the first of equals).
fn extremes(points: &[&ScorePoint]) -> (usize, usize) {
    let mut min_i = 0;
    let mut max_i = 0;
    for (i, p) in points.iter().enumerate() {
        if p.total < points[min_i].total {
            min_i = i;
        }
        if p.total > points[max_i].total {
            max_i = i;
        }
    }
    (min_i, max_i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn chart(points: Vec<ScorePoint>) -> Trajectory {
        Trajectory {
            instrument: "PHQ-9".into(),
            y_min: 0.0,
            y_max: 27.0,
            bands: vec![
                SeverityBand {
                    lower: 9.5,
                    upper: 14.5,
                    label: "moderate".into(),
                },
                SeverityBand {
                    lower: -0.5,
                    upper: 4.5,
                    label: "minimal".into(),
                },
                SeverityBand {
                    lower: 4.5,
                    upper: 9.5,
                    label: "mild".into(),
                },
            ],
            points,
            baseline: Some(12.0),
            reliable_change: Some(6.0),
            labels: TrajectoryLabels {
                id: "t".into(),
                title: "PHQ-9".into(),
                description: "d".into(),
                empty: "No scores yet".into(),
                session_prefix: "S".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn pt(date: Date, total: f64) -> ScorePoint {
        ScorePoint {
            date,
            total,
            session: None,
        }
    }

    #[test]
    fn no_totals_says_so() {
        let svg = score_trajectory(&chart(vec![]));
        assert!(svg.contains("No scores yet") && svg.ends_with("</svg>"));
        assert!(!svg.contains("polyline"));
    }

    #[test]
    fn bands_are_drawn_from_the_lowest_up() {
        let svg = score_trajectory(&chart(vec![pt(date!(2026 - 01 - 10), 12.0)]));
        let at = |s: &str| svg.find(&format!("<title>{s}</title>")).unwrap();
        assert!(at("minimal") < at("mild") && at("mild") < at("moderate"));
        // The bands sit under everything else.
        assert!(at("moderate") < svg.find("class=\"points\"").unwrap());
    }

    #[test]
    fn totals_beyond_the_axis_are_clamped_and_marked() {
        let svg = score_trajectory(&chart(vec![
            pt(date!(2026 - 01 - 10), 30.0),
            pt(date!(2026 - 02 - 10), -3.0),
        ]));
        assert_eq!(svg.matches("class=\"point clamped\"").count(), 2);
        // Clamped to the top and the bottom of the plot.
        // No lanes above the plot here: it runs from y 8 to 208.
        assert!(svg.contains(",8 ") && svg.contains(",208\""));
    }

    #[test]
    fn one_total_draws_a_point_without_a_line() {
        let svg = score_trajectory(&chart(vec![pt(date!(2026 - 01 - 10), 12.0)]));
        assert_eq!(svg.matches("class=\"point\"").count(), 1);
        assert!(!svg.contains("polyline"));
        assert!(svg.contains("class=\"reliable-change\""));
    }

    #[test]
    fn events_outside_the_dates_are_left_out_and_text_is_escaped() {
        let mut c = chart(vec![
            pt(date!(2026 - 01 - 10), 12.0),
            pt(date!(2026 - 03 - 10), 8.0),
        ]);
        c.events = vec![
            LifeEvent {
                date: date!(2026 - 02 - 01),
                label: "Move <new>".into(),
            },
            LifeEvent {
                date: date!(2019 - 02 - 01),
                label: "Long ago".into(),
            },
        ];
        let svg = score_trajectory(&c);
        assert!(svg.contains("1. Move &lt;new&gt;"));
        assert!(!svg.contains("Long ago"));
    }

    #[test]
    fn output_is_deterministic() {
        let c = chart(vec![
            pt(date!(2026 - 03 - 10), 8.0),
            pt(date!(2026 - 01 - 10), 12.0),
        ]);
        assert_eq!(score_trajectory(&c), score_trajectory(&c));
    }
}
