//! Form pieces shared by the initial-phase pages: posted data with repeated names, labelled
//! inputs and checkbox or radio groups that keep what the user typed, and the saved value shown
//! beside it after a refused stale save.

use std::collections::HashMap;

use crate::i18n::Tr;
pub use crate::kit::{Choices, Input};

/// A posted form, in order. Names may repeat (checkbox groups).
#[derive(Debug, Default, Clone)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `name`, or "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a checkbox called `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty())
    }

    /// The record version the form was rendered with.
    pub fn version(&self) -> i64 {
        self.version_given().unwrap_or(0)
    }

    /// The record version the form was rendered with, if it carries one.
    pub fn version_given(&self) -> Option<i64> {
        self.get("version").trim().parse().ok()
    }
}

/// Field errors by field name.
pub type Errors = HashMap<String, String>;

/// The core's refusals placed at their fields, in the page's language.
pub fn rule_errors(t: &Tr, refused: &[ipt_domain::rule::FieldError]) -> Errors {
    let mut errors = Errors::new();
    for e in refused {
        errors
            .entry(e.field.to_string())
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&t.rule(e));
            })
            .or_insert_with(|| t.rule(e));
    }
    errors
}

/// What a refused post leaves for the page to show again: the user's values, the field
/// errors, the version to carry on, and whether the refusal was a stale save.
pub struct Posted<V> {
    pub values: V,
    pub errors: Errors,
    /// The version the form goes on carrying: the posted one after input errors (so a change
    /// made meanwhile is still caught); after a stale save, the saved one (the user has now
    /// seen the changes, and saving again replaces them).
    pub version: Option<i64>,
    pub stale: bool,
    /// A message about the whole form.
    pub message: Option<String>,
}

impl<V> Posted<V> {
    pub fn invalid(values: V, errors: Errors, version: i64) -> Self {
        Self {
            values,
            errors,
            version: Some(version),
            stale: false,
            message: None,
        }
    }

    /// Refused by the core: each refusal beside its field, in the page's language.
    pub fn rejected(
        values: V,
        t: &Tr,
        refused: &[ipt_domain::rule::FieldError],
        version: i64,
    ) -> Self {
        // A refusal of the form as a whole (a missing version) is said above it.
        let (whole, fields): (Vec<_>, Vec<_>) =
            refused.iter().cloned().partition(|e| e.field == "version");
        let mut posted = Self::invalid(values, rule_errors(t, &fields), version);
        if !whole.is_empty() {
            posted.message = Some(t.rules(&whole));
        }
        posted
    }

    pub fn message(values: V, message: String, version: i64) -> Self {
        Self {
            values,
            errors: Errors::new(),
            version: Some(version),
            stale: false,
            message: Some(message),
        }
    }

    pub fn stale(values: V, t: &Tr) -> Self {
        Self {
            values,
            errors: Errors::new(),
            version: None,
            stale: true,
            message: Some(t.get("initial-conflict")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_are_all_kept() {
        let f = FormData(vec![
            ("s".into(), "a".into()),
            ("x".into(), "1".into()),
            ("s".into(), "b".into()),
            ("version".into(), "4".into()),
        ]);
        assert_eq!(f.all("s"), vec!["a", "b"]);
        assert_eq!(f.get("x"), "1");
        assert_eq!(f.get("missing"), "");
        assert!(f.checked("x") && !f.checked("missing"));
        assert_eq!(f.version(), 4);
    }

    #[test]
    fn saved_values_show_only_when_they_differ() {
        let t = Tr::default();
        let same = Input::new("a", "A".into(), "text", "x").saved_from(Some("x"), &t);
        assert!(same.saved.is_none());
        let select = Input::new("a", "A".into(), "select", "1")
            .options(vec![("1".into(), "One".into()), ("2".into(), "Two".into())])
            .saved_from(Some("2"), &t);
        assert_eq!(select.saved.as_deref(), Some("Two"));
    }
}
