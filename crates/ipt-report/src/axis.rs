//! Shared pieces of the charts drawn over dates: the date span and its scale, date and value
//! ticks, and a legend that wraps onto as many rows as it needs.
//!
//! Tick labels are ISO dates (`2026-03-02`, `2026-03`, `2026`): they read the same in every
//! language, so the charts stay language-free.

use std::fmt::Write;

use time::{Date, Duration, Month};

use crate::svg::{esc, num};

/// The dates a chart covers, with a little room at either end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    pub from: Date,
    pub to: Date,
}

impl DateSpan {
    /// The span of `dates`, widened to at least `min_days` (centred on the dates), plus a margin
    /// of about 4 % on each side so the first and last marks do not sit on the frame. `None`
    /// without dates.
    pub fn of(dates: impl IntoIterator<Item = Date>, min_days: i64) -> Option<Self> {
        let mut it = dates.into_iter();
        let first = it.next()?;
        let (mut lo, mut hi) = (first, first);
        for d in it {
            lo = lo.min(d);
            hi = hi.max(d);
        }
        let span = (hi - lo).whole_days();
        if span < min_days {
            let pad = (min_days - span) / 2;
            lo -= Duration::days(pad);
            hi += Duration::days(min_days - span - pad);
        }
        let margin = ((hi - lo).whole_days() / 25).max(1);
        Some(Self {
            from: lo - Duration::days(margin),
            to: hi + Duration::days(margin),
        })
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).whole_days()
    }

    pub fn contains(&self, d: Date) -> bool {
        d >= self.from && d <= self.to
    }
}

/// Maps dates to x positions between `x0` and `x1`.
#[derive(Debug, Clone, Copy)]
pub struct DateScale {
    pub span: DateSpan,
    pub x0: f64,
    pub x1: f64,
}

impl DateScale {
    pub fn x(&self, d: Date) -> f64 {
        let days = self.span.days().max(1) as f64;
        let at = (d - self.span.from).whole_days() as f64;
        self.x0 + at / days * (self.x1 - self.x0)
    }
}

fn first_of_month(y: i32, m: Month) -> Date {
    Date::from_calendar_date(y, m, 1).unwrap_or(Date::MIN)
}

/// Tick dates and labels for a span: days or weeks over a couple of months, months over a
/// couple of years, years beyond. At most about six day ticks (their labels are long) or
/// eight month or year ticks.
pub fn date_ticks(span: DateSpan) -> Vec<(Date, String)> {
    let days = span.days();
    let mut out = Vec::new();
    if days <= 62 {
        let step = [1, 2, 3, 7, 14]
            .into_iter()
            .find(|s| days / s <= 5)
            .unwrap_or(14);
        let mut d = span.from + Duration::days(1);
        // Weekly ticks fall on Mondays, so neighbouring charts line up.
        if step >= 7 {
            while d.weekday() != time::Weekday::Monday {
                d += Duration::days(1);
            }
        }
        while d < span.to {
            out.push((d, iso_day(d)));
            d += Duration::days(step);
        }
    } else if days <= 3 * 366 {
        let months = (days / 30).max(1);
        let step = [1, 2, 3, 6]
            .into_iter()
            .find(|s| months / s <= 7)
            .unwrap_or(6);
        let (mut y, mut m) = (span.from.year(), span.from.month());
        loop {
            m = m.next();
            if m == Month::January {
                y += 1;
            }
            let d = first_of_month(y, m);
            if d >= span.to {
                break;
            }
            if (i64::from(y) * 12 + i64::from(m as u8) - 1) % step == 0 {
                out.push((d, format!("{y:04}-{:02}", m as u8)));
            }
        }
    } else {
        let years = i64::from(span.to.year() - span.from.year()).max(1);
        let step = ((years + 7) / 8).max(1) as i32;
        for y in (span.from.year() + 1)..=span.to.year() {
            let d = first_of_month(y, Month::January);
            if y % step == 0 && d < span.to {
                out.push((d, y.to_string()));
            }
        }
    }
    out
}

pub fn iso_day(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// Whole-number ticks over `min..=max`: a step of 1, 2, 5, 10, 20, 50 … giving at most about
/// eight ticks.
pub fn value_ticks(min: f64, max: f64) -> Vec<f64> {
    let range = (max - min).max(1.0);
    let mut step = 1.0;
    'outer: for scale in [1.0, 10.0, 100.0, 1000.0] {
        for s in [1.0, 2.0, 5.0] {
            if range / (s * scale) <= 8.0 {
                step = s * scale;
                break 'outer;
            }
        }
    }
    let mut out = vec![];
    let mut v = (min / step).ceil() * step;
    while v <= max + 1e-9 {
        out.push(v);
        v += step;
    }
    out
}

/// A rough width of a text in the charts' font, for laying out legends without measuring.
pub fn text_width(s: &str, font_size: f64) -> f64 {
    s.chars().count() as f64 * font_size * 0.58
}

/// One entry of a legend: a sample mark (SVG drawn at the origin, about 14 × 10) and its words.
pub struct LegendItem {
    pub sample: String,
    pub text: String,
}

/// Lay a legend out in rows from (`x0`, `top`), wrapping before `x1`. Returns the SVG and the
/// y just below the last row.
pub fn legend(items: &[LegendItem], x0: f64, x1: f64, top: f64, row: f64) -> (String, f64) {
    if items.is_empty() {
        return (String::new(), top);
    }
    let mut out = String::from("<g class=\"legend\">");
    let (mut x, mut y) = (x0, top);
    for item in items {
        let w = 20.0 + text_width(&item.text, 11.0) + 16.0;
        if x > x0 && x + w > x1 {
            x = x0;
            y += row;
        }
        let _ = write!(
            out,
            "<g transform=\"translate({} {})\">{}</g><text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#1d2327\">{}</text>",
            num(x),
            num(y - 4.0),
            item.sample,
            num(x + 20.0),
            num(y),
            esc(&item.text)
        );
        x += w;
    }
    out.push_str("</g>");
    (out, y + row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_single_date_gets_a_readable_span() {
        let s = DateSpan::of([date!(2026 - 03 - 10)], 14).unwrap();
        assert!(s.days() >= 14 && s.contains(date!(2026 - 03 - 10)));
        assert_eq!(DateSpan::of(Vec::<Date>::new(), 14), None);
    }

    #[test]
    fn ticks_suit_the_span() {
        let days = DateSpan::of([date!(2026 - 03 - 01), date!(2026 - 03 - 05)], 7).unwrap();
        let t = date_ticks(days);
        assert!(!t.is_empty() && t.len() <= 8);
        assert_eq!(t[0].1.len(), 10, "day ticks are ISO dates");

        let weeks = DateSpan::of([date!(2026 - 03 - 01), date!(2026 - 04 - 20)], 7).unwrap();
        let t = date_ticks(weeks);
        assert!(t.iter().all(|(d, _)| d.weekday() == time::Weekday::Monday));

        let year = DateSpan::of([date!(2026 - 01 - 05), date!(2026 - 12 - 20)], 7).unwrap();
        let t = date_ticks(year);
        assert!(t.len() <= 8 && t.iter().all(|(_, l)| l.len() == 7));

        let long = DateSpan::of([date!(2010 - 01 - 05), date!(2026 - 12 - 20)], 7).unwrap();
        assert!(date_ticks(long).iter().all(|(_, l)| l.len() == 4));
    }

    #[test]
    fn value_ticks_are_round() {
        assert_eq!(
            value_ticks(0.0, 27.0),
            vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
        );
        assert_eq!(value_ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(value_ticks(0.0, 3.0), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(value_ticks(12.0, 84.0).first(), Some(&20.0));
    }
}
