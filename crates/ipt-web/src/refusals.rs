//! The core's refusals (`ipt_domain::rule::FieldError`) placed on a page's form, worded in the
//! reader's language. The page decides only where each is shown; what is refused and why is
//! the core's.

use std::collections::HashMap;
use std::hash::Hash;

use ipt_domain::rule::FieldError;

use crate::i18n::Tr;

/// Beside the fields in `slots` (the first refusal of each, under the field's name), and the
/// others in a list for above the form, so none goes unseen.
pub fn place<K: From<&'static str> + Eq + Hash>(
    t: &Tr,
    refused: &[FieldError],
    slots: &[&'static str],
) -> (HashMap<K, String>, Vec<String>) {
    let mut errors = HashMap::new();
    let mut rest = vec![];
    for e in refused {
        if slots.contains(&e.field) {
            errors.entry(K::from(e.field)).or_insert_with(|| t.rule(e));
        } else {
            rest.push(t.rule(e));
        }
    }
    (errors, rest)
}

/// The core's refusals with its field names replaced by the page's own, where the page's form
/// names a field differently (`(core, page)` pairs).
pub fn renamed(refused: &[FieldError], names: &[(&'static str, &'static str)]) -> Vec<FieldError> {
    refused
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if let Some((_, page)) = names.iter().find(|(core, _)| *core == e.field) {
                e.field = page;
            }
            e
        })
        .collect()
}
