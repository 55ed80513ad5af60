//! Refusals as data. A rule of the core that refuses an input says which field it is about,
//! which rule it broke (a stable code) and the values a message needs. Every door words it in
//! its own language: the pages through their catalogues (`rule-<code>`), the JSON API as the
//! code with English text beside it. No rule's message is written twice.

use serde::Serialize;
use time::Date;

/// A value a refusal's message needs, typed so each door can format it for its reader (a date
/// in the reader's locale, for example).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Date(#[serde(with = "iso_date")] Date),
    Number(i64),
}

mod iso_date {
    use serde::Serializer;
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!(
            "{:04}-{:02}-{:02}",
            d.year(),
            d.month() as u8,
            d.day()
        ))
    }
}

/// One refused field: `field` is the input's name (the same on the page form and in the API's
/// JSON), `code` the rule (snake case, stable), `args` what the message needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str) -> Self {
        Self {
            field,
            code,
            args: vec![],
        }
    }

    pub fn date(mut self, name: &'static str, d: Date) -> Self {
        self.args.push((name, Arg::Date(d)));
        self
    }

    pub fn number(mut self, name: &'static str, n: i64) -> Self {
        self.args.push((name, Arg::Number(n)));
        self
    }

    pub fn text(mut self, name: &'static str, s: impl Into<String>) -> Self {
        self.args.push((name, Arg::Text(s.into())));
        self
    }
}

impl std::fmt::Display for FieldError {
    /// For logs and tests only: the doors word the refusal themselves.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.code)
    }
}

/// A date that must not lie after today (records describe what has happened).
pub fn not_after_today(field: &'static str, d: Date, today: Date) -> Result<(), FieldError> {
    if d > today {
        return Err(FieldError::new(field, "date_in_future").date("today", today));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_future_date_is_refused_with_today_as_its_argument() {
        let e = not_after_today("date", date!(2026 - 12 - 02), date!(2026 - 12 - 01)).unwrap_err();
        assert_eq!(e.code, "date_in_future");
        assert_eq!(e.args, vec![("today", Arg::Date(date!(2026 - 12 - 01)))]);
        assert!(not_after_today("date", date!(2026 - 12 - 01), date!(2026 - 12 - 01)).is_ok());
    }

    #[test]
    fn arguments_serialise_plainly() {
        let e = FieldError::new("date", "x")
            .date("d", date!(2026 - 01 - 05))
            .number("n", 3);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["args"][0][1], "2026-01-05");
        assert_eq!(v["args"][1][1], 3);
    }
}
