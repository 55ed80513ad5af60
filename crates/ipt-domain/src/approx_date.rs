//! Approximate dates. Patients often remember "spring 2019" or "March last year", not a day;
//! the timeline must hold what is known and no more (ARCHITECTURE: a type, not a string).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// How precisely a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    Year,
    Month,
    Day,
}

impl DatePrecision {
    pub fn code(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Month => "month",
            Self::Day => "day",
        }
    }
}

/// A date known to the year, the month, or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ApproxDate {
    Year(i32),
    Month(i32, Month),
    Day(Date),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{input}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (for example 2019, 2019-03 or 2019-03-14)"
)]
pub struct ApproxDateError {
    pub input: String,
}

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2200;

impl ApproxDate {
    pub fn precision(&self) -> DatePrecision {
        match self {
            Self::Year(_) => DatePrecision::Year,
            Self::Month(..) => DatePrecision::Month,
            Self::Day(_) => DatePrecision::Day,
        }
    }

    pub fn year(&self) -> i32 {
        match *self {
            Self::Year(y) | Self::Month(y, _) => y,
            Self::Day(d) => d.year(),
        }
    }

    pub fn month(&self) -> Option<Month> {
        match *self {
            Self::Year(_) => None,
            Self::Month(_, m) => Some(m),
            Self::Day(d) => Some(d.month()),
        }
    }

    pub fn day(&self) -> Option<u8> {
        match *self {
            Self::Day(d) => Some(d.day()),
            _ => None,
        }
    }

    /// Build from stored parts (year, optional month 1–12, optional day).
    pub fn from_parts(
        year: i32,
        month: Option<u8>,
        day: Option<u8>,
    ) -> Result<Self, ApproxDateError> {
        let err = || ApproxDateError {
            input: format!("{year}-{month:?}-{day:?}"),
        };
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(err());
        }
        match (month, day) {
            (None, None) => Ok(Self::Year(year)),
            (Some(m), None) => Ok(Self::Month(year, Month::try_from(m).map_err(|_| err())?)),
            (Some(m), Some(d)) => {
                let month = Month::try_from(m).map_err(|_| err())?;
                Ok(Self::Day(
                    Date::from_calendar_date(year, month, d).map_err(|_| err())?,
                ))
            }
            (None, Some(_)) => Err(err()),
        }
    }

    /// The middle of the period the date could mean, used to measure distances between
    /// approximate dates (a year counts as 1 July, a month as its 15th).
    pub fn midpoint(&self) -> Date {
        match *self {
            Self::Year(y) => Date::from_calendar_date(y, Month::July, 1).unwrap_or(Date::MIN),
            Self::Month(y, m) => Date::from_calendar_date(y, m, 15).unwrap_or(Date::MIN),
            Self::Day(d) => d,
        }
    }

    /// The earliest and latest day the date could mean.
    pub fn range(&self) -> (Date, Date) {
        match *self {
            Self::Year(y) => (
                Date::from_calendar_date(y, Month::January, 1).unwrap_or(Date::MIN),
                Date::from_calendar_date(y, Month::December, 31).unwrap_or(Date::MAX),
            ),
            Self::Month(y, m) => (
                Date::from_calendar_date(y, m, 1).unwrap_or(Date::MIN),
                Date::from_calendar_date(y, m, m.length(y)).unwrap_or(Date::MAX),
            ),
            Self::Day(d) => (d, d),
        }
    }

    /// Months from `self` to `later` (positive when `later` is after), measured between
    /// midpoints and rounded to the nearest whole month.
    pub fn months_until(&self, later: &ApproxDate) -> i32 {
        let days = (later.midpoint() - self.midpoint()).whole_days();
        // 30.44 days per month on average (365.25 / 12).
        ((days as f64) / 30.44).round() as i32
    }

    /// A human reading such as "March 2026", "2019" or "14 March 2026".
    pub fn human(&self) -> String {
        match *self {
            Self::Year(y) => y.to_string(),
            Self::Month(y, m) => format!("{m} {y}"),
            Self::Day(d) => format!("{} {} {}", d.day(), d.month(), d.year()),
        }
    }
}

impl PartialOrd for ApproxDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ApproxDate {
    /// Chronological by midpoint; ties broken by precision so the order is total.
    fn cmp(&self, other: &Self) -> Ordering {
        self.midpoint()
            .cmp(&other.midpoint())
            .then(self.precision().cmp(&other.precision()))
    }
}

impl fmt::Display for ApproxDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Year(y) => write!(f, "{y:04}"),
            Self::Month(y, m) => write!(f, "{y:04}-{:02}", m as u8),
            Self::Day(d) => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day()),
        }
    }
}

impl FromStr for ApproxDate {
    type Err = ApproxDateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ApproxDateError {
            input: s.chars().take(40).collect(),
        };
        let t = s.trim();
        let parts: Vec<&str> = t.split('-').collect();
        let num = |p: &str, len: usize| -> Result<u32, ApproxDateError> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            p.parse().map_err(|_| err())
        };
        let (y, m, d) = match parts.as_slice() {
            [y] => (num(y, 4)?, None, None),
            [y, m] => (num(y, 4)?, Some(num(m, 2)? as u8), None),
            [y, m, d] => (num(y, 4)?, Some(num(m, 2)? as u8), Some(num(d, 2)? as u8)),
            _ => return Err(err()),
        };
        Self::from_parts(y as i32, m, d).map_err(|_| err())
    }
}

impl TryFrom<String> for ApproxDate {
    type Error = ApproxDateError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ApproxDate> for String {
    fn from(d: ApproxDate) -> Self {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision() {
        assert_eq!(
            "2019".parse::<ApproxDate>().unwrap(),
            ApproxDate::Year(2019)
        );
        assert_eq!(
            "2019-03".parse::<ApproxDate>().unwrap(),
            ApproxDate::Month(2019, Month::March)
        );
        let d: ApproxDate = "2019-03-14".parse().unwrap();
        assert_eq!(d.precision(), DatePrecision::Day);
        assert_eq!(d.to_string(), "2019-03-14");
    }

    #[test]
    fn rejects_impossible_dates_with_a_hint() {
        for bad in [
            "2019-13",
            "2019-02-30",
            "19",
            "spring",
            "",
            "2019-3",
            "1700",
        ] {
            let e = bad.parse::<ApproxDate>().unwrap_err();
            assert!(e.to_string().contains("YYYY-MM"), "{bad}");
        }
    }

    #[test]
    fn months_between_use_midpoints() {
        let death: ApproxDate = "2026-03".parse().unwrap();
        let onset: ApproxDate = "2026-05".parse().unwrap();
        assert_eq!(death.months_until(&onset), 2);
        assert_eq!(onset.months_until(&death), -2);
    }

    #[test]
    fn human_reading() {
        assert_eq!(
            "2026-03".parse::<ApproxDate>().unwrap().human(),
            "March 2026"
        );
    }
}
