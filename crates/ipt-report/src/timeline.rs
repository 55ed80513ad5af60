//! The interpersonal timeline chart (clinical reference §3.4): mood episodes hanging below a
//! time axis, deeper when more severe, and life events as numbered pins above it, so that the
//! onset of an episode can be seen against what was happening at the time.
//!
//! Dates may be approximate (a year, or a month): such a date is drawn at the middle of the
//! period it could mean, with a light bar across the whole period. Severity is written in words
//! under each episode, so depth and shade are never the only signal.

use std::fmt::Write;

use ipt_domain::approx_date::{ApproxDate, DatePrecision};
use ipt_domain::timeline::EpisodeSeverity;
use time::{Date, Duration, Month};

use crate::svg::{esc, id_safe, num, shorten};

/// A mood episode to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartEpisode {
    pub onset: ApproxDate,
    /// None while the episode is ongoing: it is drawn up to `today`.
    pub end: Option<ApproxDate>,
    pub severity: EpisodeSeverity,
    /// The episode this course treats.
    pub current: bool,
    /// A full description for the episode's tooltip, e.g. "Moderate episode, March 2026 – ongoing".
    pub label: String,
}

/// A life event to pin on the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartEvent {
    pub date: ApproxDate,
    /// The event in words, e.g. "March 2026 · Death · Mother"; listed under the chart by number.
    pub label: String,
}

/// The words of the chart, already translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineLabels {
    /// A prefix for the element ids, unique on the page.
    pub id: String,
    pub title: String,
    /// A one- or two-sentence summary for assistive technology.
    pub description: String,
    /// Lane names: "Life events", "Mood episodes".
    pub events: String,
    pub episodes: String,
    /// Severity words, mild to severe.
    pub severity: [String; 3],
    /// Added to the current episode, e.g. "current".
    pub current: String,
    /// Added to an episode without an end, e.g. "ongoing".
    pub ongoing: String,
    /// The marker of today's date.
    pub today: String,
    /// Shown when there is nothing to draw.
    pub empty: String,
}

const WIDTH: f64 = 640.0;
const X0: f64 = 28.0;
const X1: f64 = 612.0;
const BASE_Y: f64 = 124.0;
const DEPTH: [f64; 3] = [28.0, 48.0, 68.0];
const FILL: [&str; 3] = ["#c7d9e8", "#8fb3cf", "#4d7ea8"];
const AXIS_LABEL_Y: f64 = BASE_Y + 112.0;
const LEGEND_TOP: f64 = BASE_Y + 136.0;
const LEGEND_ROW: f64 = 17.0;

fn severity_index(s: EpisodeSeverity) -> usize {
    match s {
        EpisodeSeverity::Mild => 0,
        EpisodeSeverity::Moderate => 1,
        EpisodeSeverity::Severe => 2,
    }
}

/// Maps days to x positions over the chart's span.
struct Scale {
    start: i32,
    days: f64,
}

impl Scale {
    fn x(&self, d: Date) -> f64 {
        X0 + f64::from(d.to_julian_day() - self.start) / self.days * (X1 - X0)
    }
}

fn first_of_month(y: i32, m: Month) -> Date {
    Date::from_calendar_date(y, m, 1).unwrap_or(Date::MIN)
}

/// Tick dates and their labels: years over long spans, months over short ones.
fn ticks(from: Date, to: Date) -> Vec<(Date, String)> {
    let span = (to - from).whole_days();
    let mut out = Vec::new();
    if span > 3 * 365 {
        let years = to.year() - from.year();
        let step = (years / 8).max(1);
        let mut y = from.year() + 1;
        while y <= to.year() {
            if y % step == 0 {
                out.push((first_of_month(y, Month::January), y.to_string()));
            }
            y += 1;
        }
    } else {
        let months = (span / 30).max(1) as i32;
        let step = (months / 7).max(1);
        let (mut y, mut m) = (from.year(), from.month());
        loop {
            m = m.next();
            if m == Month::January {
                y += 1;
            }
            let d = first_of_month(y, m);
            if d > to {
                break;
            }
            let index = y * 12 + m as i32 - 1;
            if index % step == 0 {
                out.push((d, format!("{y:04}-{:02}", m as u8)));
            }
        }
    }
    out
}

/// A light bar across the period an approximate date could mean.
fn uncertainty(out: &mut String, scale: &Scale, d: &ApproxDate, y: f64) {
    if d.precision() == DatePrecision::Day {
        return;
    }
    let (a, b) = d.range();
    let _ = write!(
        out,
        "<rect class=\"approx\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"4\" fill=\"#aeb8c1\" opacity=\"0.7\"/>",
        num(scale.x(a)),
        num(y),
        num((scale.x(b) - scale.x(a)).max(2.0))
    );
}

/// The timeline chart as a standalone `<svg>` element, scaled to its container's width.
/// Events are numbered in date order and listed under the chart by their labels.
pub fn timeline_chart(
    episodes: &[ChartEpisode],
    events: &[ChartEvent],
    today: Date,
    labels: &TimelineLabels,
) -> String {
    let id = id_safe(&labels.id);
    let mut order: Vec<&ChartEvent> = events.iter().collect();
    order.sort_by_key(|e| e.date);
    let empty = episodes.is_empty() && events.is_empty();
    let height = if empty {
        90.0
    } else {
        LEGEND_TOP + LEGEND_ROW * order.len() as f64 + 10.0
    };

    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart timeline-chart\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\">",
        num(WIDTH),
        num(height)
    );
    let _ = write!(
        out,
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(&labels.title),
        esc(&labels.description)
    );
    if empty {
        let _ = write!(
            out,
            "<rect x=\"1\" y=\"1\" width=\"{}\" height=\"88\" rx=\"6\" fill=\"#ffffff\" stroke=\"#d5dbe0\"/><text class=\"empty\" x=\"{}\" y=\"50\" text-anchor=\"middle\" font-size=\"13\" fill=\"#5a6570\">{}</text></svg>",
            num(WIDTH - 2.0),
            num(WIDTH / 2.0),
            esc(&labels.empty)
        );
        return out;
    }

    // The span: every date's whole period, ongoing episodes up to today, with a margin.
    let mut dates: Vec<Date> = Vec::new();
    for e in &order {
        let (a, b) = e.date.range();
        dates.extend([a, b]);
    }
    for ep in episodes {
        dates.push(ep.onset.range().0);
        match ep.end {
            Some(end) => dates.push(end.range().1),
            None => dates.push(today.max(ep.onset.range().1)),
        }
    }
    let lo = dates.iter().min().copied().unwrap_or(today);
    let hi = dates.iter().max().copied().unwrap_or(today);
    let mut from = lo - Duration::days(20);
    let mut to = hi + Duration::days(20);
    let min_span = 120;
    let span = (to - from).whole_days();
    if span < min_span {
        let pad = (min_span - span) / 2 + 1;
        from -= Duration::days(pad);
        to += Duration::days(pad);
    }
    let scale = Scale {
        start: from.to_julian_day(),
        days: f64::from(to.to_julian_day() - from.to_julian_day()),
    };

    // Grid and axis.
    for (d, text) in ticks(from, to) {
        let x = num(scale.x(d));
        let _ = write!(
            out,
            "<line class=\"tick\" x1=\"{x}\" y1=\"26\" x2=\"{x}\" y2=\"{}\" stroke=\"#e3e7ea\" stroke-width=\"1\"/><text class=\"tick-label\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#5a6570\">{}</text>",
            num(BASE_Y + 96.0),
            num(AXIS_LABEL_Y),
            esc(&text)
        );
    }
    // Lane names in one header row: events above the axis, episodes below it.
    let _ = write!(
        out,
        "<text class=\"lane\" x=\"{}\" y=\"14\" font-size=\"11\" font-weight=\"600\" fill=\"#1d2327\">▲ {}</text><text class=\"lane\" x=\"{}\" y=\"14\" text-anchor=\"end\" font-size=\"11\" font-weight=\"600\" fill=\"#1d2327\">▼ {}</text>",
        num(X0),
        esc(&labels.events),
        num(X1),
        esc(&labels.episodes)
    );
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#1d2327\" stroke-width=\"1.5\"/>",
        num(X0),
        num(BASE_Y),
        num(X1),
        num(BASE_Y)
    );

    // Episodes, hanging below the axis; deeper when more severe.
    let mut sorted: Vec<&ChartEpisode> = episodes.iter().collect();
    sorted.sort_by_key(|e| e.onset);
    for (k, ep) in sorted.iter().enumerate() {
        let s = severity_index(ep.severity);
        let start = ep.onset.midpoint();
        let end = match ep.end {
            Some(e) => e.midpoint(),
            None => today,
        }
        .max(start);
        let x = scale.x(start);
        let w = (scale.x(end) - x).max(4.0);
        let class = if ep.current {
            "episode current"
        } else {
            "episode"
        };
        let _ = write!(
            out,
            "<g class=\"{class}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#2b4f6e\" stroke-width=\"{}\"/>",
            esc(&ep.label),
            num(x),
            num(BASE_Y + 1.0),
            num(w),
            num(DEPTH[s]),
            FILL[s],
            if ep.current { "2" } else { "1" }
        );
        uncertainty(&mut out, &scale, &ep.onset, BASE_Y + 3.0);
        if let Some(e) = &ep.end {
            uncertainty(&mut out, &scale, e, BASE_Y + 3.0);
        }
        let mut words = labels.severity[s].clone();
        if ep.current {
            words = format!("{words}, {}", labels.current);
        }
        if ep.end.is_none() {
            words = format!("{words} → {}", labels.ongoing);
        }
        // Alternate the label's line so labels of neighbouring episodes overlap less.
        let ly = BASE_Y + DEPTH[s] + 13.0 + if k % 2 == 1 { 12.0 } else { 0.0 };
        // In the right half the label ends at the episode's end, so it stays inside the chart.
        let (lx, anchor) = if x > (X0 + X1) / 2.0 {
            ((x + w).min(X1), "end")
        } else {
            (x, "start")
        };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"10\" fill=\"#1d2327\">{}</text></g>",
            num(lx),
            num(ly),
            esc(&shorten(&words, 34))
        );
    }

    // Today.
    if today >= from && today <= to {
        let x = num(scale.x(today));
        let _ = write!(
            out,
            "<g class=\"today\"><line x1=\"{x}\" y1=\"22\" x2=\"{x}\" y2=\"{}\" stroke=\"#a4262c\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/><text x=\"{x}\" y=\"30\" text-anchor=\"end\" font-size=\"10\" fill=\"#a4262c\">{} </text></g>",
            num(BASE_Y + 96.0),
            esc(&labels.today)
        );
    }

    // Events: numbered pins above the axis, at three heights so close pins stay readable.
    for (i, e) in order.iter().enumerate() {
        let x = scale.x(e.date.midpoint());
        let top = 38.0 + (i % 3) as f64 * 22.0;
        let _ = write!(
            out,
            "<g class=\"event\"><title>{}. {}</title>",
            i + 1,
            esc(&e.label)
        );
        uncertainty(&mut out, &scale, &e.date, BASE_Y - 7.0);
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#1d2327\" stroke-width=\"1\"/><circle cx=\"{x}\" cy=\"{}\" r=\"9\" fill=\"#ffffff\" stroke=\"#1d2327\" stroke-width=\"1.5\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"600\" fill=\"#1d2327\">{}</text></g>",
            num(top + 9.0),
            num(BASE_Y),
            num(top),
            num(top + 3.5),
            i + 1,
            x = num(x)
        );
    }

    // The numbered list of events.
    for (i, e) in order.iter().enumerate() {
        let _ = write!(
            out,
            "<text class=\"event-label\" x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#1d2327\">{}. {}</text>",
            num(X0),
            num(LEGEND_TOP + LEGEND_ROW * i as f64),
            i + 1,
            esc(&shorten(&e.label, 90))
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn labels() -> TimelineLabels {
        TimelineLabels {
            id: "t".into(),
            title: "Timeline".into(),
            description: "d".into(),
            events: "Life events".into(),
            episodes: "Mood episodes".into(),
            severity: ["mild".into(), "moderate".into(), "severe".into()],
            current: "current".into(),
            ongoing: "ongoing".into(),
            today: "Today".into(),
            empty: "Nothing yet".into(),
        }
    }

    #[test]
    fn nothing_to_draw_says_so() {
        let svg = timeline_chart(&[], &[], date!(2026 - 05 - 01), &labels());
        assert!(svg.contains("Nothing yet") && svg.ends_with("</svg>"));
    }

    #[test]
    fn events_are_numbered_in_date_order_and_escaped() {
        let events = [
            ChartEvent {
                date: "2026-03".parse().unwrap(),
                label: "Later <b>".into(),
            },
            ChartEvent {
                date: "2025".parse().unwrap(),
                label: "Earlier".into(),
            },
        ];
        let svg = timeline_chart(&[], &events, date!(2026 - 05 - 01), &labels());
        assert!(svg.contains("1. Earlier") && svg.contains("2. Later &lt;b&gt;"));
        assert!(
            svg.contains("class=\"approx\""),
            "a year-only date shows its span"
        );
    }

    #[test]
    fn ticks_are_months_over_short_spans_and_years_over_long_ones() {
        let short = ticks(date!(2026 - 01 - 10), date!(2026 - 06 - 10));
        assert_eq!(short.first().unwrap().1, "2026-02");
        let long = ticks(date!(2010 - 01 - 10), date!(2026 - 06 - 10));
        assert!(long.iter().all(|(_, t)| t.len() == 4) && long.len() <= 10);
    }
}
