//! Reading plain fields. Every door (a page form, a JSON body, a command line) hands the core
//! what the user typed as text and codes; the core reads it here, once, so that the same input
//! gets the same answer whichever door it came through. Each reader refuses with a
//! `FieldError` naming the field and the rule, never with a sentence.
//!
//! A field that was not given at all is `None`; a field given empty is `Some("")`. The input
//! types decide what each means (a default, or "required").

use time::Date;

use crate::rule::{Code, FieldError};

/// Collects refusals while a whole input is read, so every bad field is named at once.
#[derive(Debug, Default)]
pub struct Refusals(Vec<FieldError>);

impl Refusals {
    pub fn new() -> Self {
        Self::default()
    }

    /// The value, or `None` with its refusal noted.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// Note a refusal found by a rule across fields.
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// Note several refusals.
    pub fn extend(&mut self, e: impl IntoIterator<Item = FieldError>) {
        self.0.extend(e);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was refused.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// A value that must be there.
pub fn required<T>(field: &'static str, v: Option<T>) -> Result<T, FieldError> {
    v.ok_or(FieldError::new(field, Code::Required))
}

/// Free text as kept: without the blanks around it. Callers that keep the text check it with
/// `check_characters` first (`bounded_text` and `long_text` do).
pub fn text(raw: &str) -> String {
    raw.trim().to_string()
}

/// Whether `c` is a control character a text of this kind cannot hold: NUL and the other C0
/// and C1 controls, DEL, and (in one-line text) line breaks and tabs too. PostgreSQL cannot
/// store NUL at all, and an invisible character in a name or a note is never what someone
/// meant to type; refusing them here keeps both databases alike.
fn forbidden(c: char, multiline: bool) -> bool {
    c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))
}

/// Refuse text holding a control character (`forbidden`): the one rule for every text field,
/// whichever door it came through.
pub fn check_characters(field: &'static str, raw: &str, multiline: bool) -> Result<(), FieldError> {
    match raw.chars().position(|c| forbidden(c, multiline)) {
        None => Ok(()),
        Some(at) => {
            Err(FieldError::new(field, Code::ControlCharacter).number("position", at as i64 + 1))
        }
    }
}

/// Free text of many lines (a note), of at most `LONG_TEXT` characters, without the blanks
/// around it.
pub fn long_text(field: &'static str, raw: &str) -> Result<String, FieldError> {
    bounded_text(field, raw, LONG_TEXT)
}

/// An optional date written YYYY-MM-DD; empty is none.
pub fn date(field: &'static str, raw: Option<&str>) -> Result<Option<Date>, FieldError> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw, fmt)
        .map(Some)
        .map_err(|_| FieldError::new(field, Code::DateInvalid).text("value", raw))
}

/// A date that must be given.
pub fn required_date(field: &'static str, raw: Option<&str>) -> Result<Date, FieldError> {
    required(field, date(field, raw)?)
}

/// The date of a record of something done: today when not given at all (a program that sends
/// no date means today), refused when given empty (a cleared form field), invalid or after today.
pub fn record_date(
    field: &'static str,
    raw: Option<&str>,
    today: Date,
) -> Result<Date, FieldError> {
    let Some(raw) = raw else {
        return Ok(today);
    };
    let d = required_date(field, Some(raw))?;
    crate::rule::not_after_today(field, d, today)?;
    Ok(d)
}

/// An optional approximate date (YYYY, YYYY-MM or YYYY-MM-DD); empty is none.
pub fn approx_date(
    field: &'static str,
    raw: Option<&str>,
) -> Result<Option<crate::approx_date::ApproxDate>, FieldError> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| FieldError::new(field, Code::ApproxDateInvalid).text("value", raw))
}

/// A whole number in `min..=max`; empty is none.
pub fn whole_number(
    field: &'static str,
    raw: Option<&str>,
    min: i64,
    max: i64,
) -> Result<Option<i64>, FieldError> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(FieldError::new(field, Code::NumberOutOfRange)
            .number("min", min)
            .number("max", max)),
    }
}

/// One of a field's choices, by its code; empty is none.
pub fn choice<T>(
    field: &'static str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, FieldError> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    parse(raw)
        .map(Some)
        .ok_or_else(|| FieldError::new(field, Code::NotOneOf).text("value", raw))
}

/// A set of choices by their codes, in a stable order without repeats. An unknown code is
/// refused, never dropped quietly, with its position (`index`, from 0) among those given.
pub fn choices<T: Ord>(
    field: &'static str,
    raw: &[String],
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, FieldError> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, code) in raw.iter().enumerate() {
        match parse(code.trim()) {
            Some(v) => out.push(v),
            None => {
                return Err(FieldError::new(field, Code::NotOneOf)
                    .text("value", code.trim())
                    .number("index", i as i64));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Text longer than this is refused in a short field (a name, a few words).
pub const SHORT_TEXT: usize = 200;
/// Text longer than this is refused in a long field (notes).
pub const LONG_TEXT: usize = 4000;

/// Free text of at most `max` characters, without the blanks around it.
/// Text longer than `SHORT_TEXT` may hold line breaks; shorter fields are one line.
pub fn bounded_text(field: &'static str, raw: &str, max: usize) -> Result<String, FieldError> {
    let text = raw.trim();
    check_characters(field, text, max > SHORT_TEXT)?;
    if text.chars().count() > max {
        return Err(FieldError::new(field, Code::TooLong).number("max", max as i64));
    }
    Ok(text.to_string())
}

/// A domain enum from its serde code.
pub fn serde_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.trim().to_string())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn empty_is_none_and_bad_text_is_refused_by_name() {
        assert_eq!(date("d", Some(" ")), Ok(None));
        assert_eq!(date("d", None), Ok(None));
        assert_eq!(
            date("d", Some("2026-02-03")),
            Ok(Some(date!(2026 - 02 - 03)))
        );
        assert_eq!(
            date("d", Some("2026-02-30")).unwrap_err().code,
            Code::DateInvalid
        );
        assert_eq!(
            required_date("d", Some("")).unwrap_err().code,
            Code::Required
        );
        assert_eq!(whole_number("n", Some("7"), 0, 10), Ok(Some(7)));
        assert_eq!(
            whole_number("n", Some("11"), 0, 10).unwrap_err().code,
            Code::NumberOutOfRange
        );
        assert_eq!(
            whole_number("n", Some("x"), 0, 10).unwrap_err().code,
            Code::NumberOutOfRange
        );
    }

    #[test]
    fn control_characters_are_refused_and_line_breaks_only_in_long_text() {
        let e = bounded_text("name", "An\u{0}na", SHORT_TEXT).unwrap_err();
        assert_eq!((e.field, e.code), ("name", Code::ControlCharacter));
        assert_eq!(e.args, vec![("position", crate::rule::Arg::Number(3))]);
        assert!(bounded_text("name", "\u{7}\u{1b}", SHORT_TEXT).is_err());
        assert!(bounded_text("name", "two\nlines", SHORT_TEXT).is_err());
        assert_eq!(
            long_text("notes", " two\r\nlines\tand a tab "),
            Ok("two\r\nlines\tand a tab".to_string())
        );
        assert!(long_text("notes", "a\u{0}b").is_err());
        assert!(long_text("notes", "a\u{85}b").is_err(), "C1 controls too");
        assert_eq!(
            bounded_text("name", "Zoë Ñandú 李", SHORT_TEXT),
            Ok("Zoë Ñandú 李".into())
        );
    }

    #[test]
    fn choices_are_sorted_without_repeats_and_an_unknown_one_is_refused() {
        let parse = |c: &str| match c {
            "a" => Some(1),
            "b" => Some(2),
            _ => None,
        };
        let raw = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(choices("c", &raw(&["b", "a", "b"]), parse), Ok(vec![1, 2]));
        let e = choices("c", &raw(&["a", "zz"]), parse).unwrap_err();
        assert_eq!((e.field, e.code), ("c", Code::NotOneOf));
        assert_eq!(
            e.args,
            vec![
                ("value", crate::rule::Arg::Text("zz".into())),
                ("index", crate::rule::Arg::Number(1))
            ]
        );
    }
}
