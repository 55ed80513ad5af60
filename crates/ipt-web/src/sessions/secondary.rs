//! The secondary-outcomes panel: perceived support, loneliness, assertiveness and the
//! closeness circle, start against latest, as the core computes them
//! (`ipt_app::outcomes::SecondaryOutcomes`). The course overview, the progress page, the
//! ending and the summary (page and PDF) show the same table; the portal says the same in
//! plain words (`portal::progress`).
//!
//! Change is said as a number with its sign; the instrument's own change metrics follow where
//! it has them. The circle's indices and our self-expression rating have no reliability rule,
//! and the panel says so instead of judging them.

use ipt_app::outcomes::{MeasureChange, SecondaryOutcomes};

use super::outcomes::change_words;
use crate::i18n::Tr;
use crate::initial::inventory::self_expression_label;

/// One line of the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondaryRow {
    /// The outcome the line speaks to ("Perceived support"); empty on the lines under it.
    pub outcome: String,
    /// What was measured, with its range.
    pub measure: String,
    pub start: String,
    pub latest: String,
    pub change: String,
    /// How to read the line: which way is better, whether the change can be judged.
    pub reading: String,
}

/// The panel: its heading, lines, and what to say when there is nothing yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondaryPanel {
    pub rows: Vec<SecondaryRow>,
    /// What to give, while no support or loneliness questionnaire is on file.
    pub missing: Option<String>,
    /// Under the table: what the panel can and cannot say.
    pub note: String,
}

/// A change with its sign: "+3", "−1.5", or "no change".
pub fn signed(t: &Tr, d: f64) -> String {
    if d.abs() < 0.005 {
        t.get("secondary-no-change")
    } else if d > 0.0 {
        format!("+{}", t.number(d))
    } else {
        format!("−{}", t.number(-d))
    }
}

fn dash() -> String {
    "—".into()
}

fn measure_rows(t: &Tr, m: &MeasureChange) -> Vec<SecondaryRow> {
    let construct = m.construct.code();
    let at = |p: &ipt_app::outcomes::ScorePoint| {
        t.with(
            "secondary-score-on",
            &[("total", t.number(p.total)), ("date", t.date(p.at.date()))],
        )
    };
    let mut change = match m.difference() {
        Some(d) => signed(t, d),
        None => t.get("secondary-one-score"),
    };
    if let Some(c) = &m.change {
        let words = change_words(t, c);
        if !words.is_empty() {
            change = format!("{change}: {}", words.join(" "));
        }
    }
    let reading = if m.latest.is_some() && !m.judges_reliability() {
        t.with(
            "secondary-read-no-rule",
            &[("direction", t.get(&format!("secondary-read-{construct}")))],
        )
    } else {
        t.get(&format!("secondary-read-{construct}"))
    };
    let mut rows = vec![SecondaryRow {
        outcome: t.get(&format!("secondary-outcome-{construct}")),
        measure: t.with(
            "secondary-measure-total",
            &[
                ("name", m.short_name.clone()),
                ("min", m.min_total.to_string()),
                ("max", m.max_total.to_string()),
            ],
        ),
        start: at(&m.first),
        latest: m.latest.as_ref().map(at).unwrap_or_else(dash),
        change,
        reading,
    }];
    for s in &m.subscales {
        let mean = |x: Option<f64>| x.map(|v| t.number(v)).unwrap_or_else(dash);
        rows.push(SecondaryRow {
            outcome: String::new(),
            measure: t.with(
                "secondary-measure-subscale",
                &[
                    ("name", m.short_name.clone()),
                    ("subscale", t.get(&format!("secondary-subscale-{}", s.code))),
                ],
            ),
            start: mean(s.first_mean),
            latest: if m.latest.is_some() {
                mean(s.latest_mean)
            } else {
                dash()
            },
            change: match (s.first_mean, s.latest_mean, m.latest.is_some()) {
                (Some(a), Some(b), true) => signed(t, b - a),
                _ => dash(),
            },
            reading: t.get("secondary-read-subscale"),
        });
    }
    rows
}

/// Build the panel from the core's outcomes.
pub fn secondary_panel(t: &Tr, x: &SecondaryOutcomes) -> SecondaryPanel {
    let mut rows = vec![];
    for m in x
        .measures
        .iter()
        .filter(|m| m.construct != ipt_domain::measures::Construct::Assertiveness)
    {
        rows.extend(measure_rows(t, m));
    }
    // Isolation: the circle's indices.
    let n = &x.network;
    if let Some(start) = &n.start {
        let latest_label = match n.end_on {
            Some(d) => t.with("secondary-at-end", &[("date", t.date(d))]),
            None => t.get("secondary-now"),
        };
        let yes_no = |b: bool| t.get(if b { "yes" } else { "no" });
        let lines = [
            (
                "secondary-measure-in-circle",
                start.in_circle,
                n.latest.in_circle,
            ),
            (
                "secondary-measure-inner",
                start.inner_ring,
                n.latest.inner_ring,
            ),
        ];
        for (i, (key, first, latest)) in lines.iter().enumerate() {
            let (first, latest) = (*first as f64, *latest as f64);
            rows.push(SecondaryRow {
                outcome: if i == 0 {
                    t.get("secondary-outcome-network")
                } else {
                    String::new()
                },
                measure: t.get(key),
                start: t.number(first),
                latest: format!("{} ({latest_label})", t.number(latest)),
                change: signed(t, latest - first),
                reading: t.get("secondary-read-network"),
            });
        }
        rows.push(SecondaryRow {
            outcome: String::new(),
            measure: t.get("secondary-measure-confidant"),
            start: yes_no(start.confidant_present),
            latest: yes_no(n.latest.confidant_present),
            change: if start.confidant_present == n.latest.confidant_present {
                t.get("secondary-no-change")
            } else {
                t.get(if n.latest.confidant_present {
                    "secondary-confidant-gained"
                } else {
                    "secondary-confidant-lost"
                })
            },
            reading: t.get("secondary-read-network"),
        });
    }
    // Assertiveness: a questionnaire where given, then our own rating.
    for m in x
        .measures
        .iter()
        .filter(|m| m.construct == ipt_domain::measures::Construct::Assertiveness)
    {
        rows.extend(measure_rows(t, m));
    }
    let se = &x.self_expression;
    if !se.is_empty() {
        let index = |v: Option<f64>| v.map(|v| t.number(v)).unwrap_or_else(dash);
        rows.push(SecondaryRow {
            outcome: t.get("secondary-outcome-self_expression"),
            measure: t.get("secondary-measure-self-expression-index"),
            start: index(se.start_index),
            latest: index(se.latest_index),
            change: match se.mean_change {
                Some(d) => t.with(
                    "secondary-self-expression-change",
                    &[
                        ("change", signed(t, d)),
                        (
                            "pairs",
                            t.count("secondary-relationships", se.paired as i64),
                        ),
                    ],
                ),
                None => dash(),
            },
            reading: t.get("secondary-read-self-expression"),
        });
        for r in &se.relationships {
            let rating = |v: Option<ipt_domain::inventory::SelfExpression>| {
                v.map(|v| self_expression_label(t, v))
                    .unwrap_or_else(|| t.get("secondary-not-rated"))
            };
            rows.push(SecondaryRow {
                outcome: String::new(),
                measure: t.with(
                    "secondary-measure-relationship",
                    &[("name", r.alias.clone())],
                ),
                start: rating(r.start),
                latest: rating(r.latest),
                change: r
                    .change()
                    .map(|c| signed(t, f64::from(c)))
                    .unwrap_or_else(dash),
                reading: String::new(),
            });
        }
    }
    SecondaryPanel {
        missing: x.measures.is_empty().then(|| t.get("secondary-none")),
        rows,
        note: t.get("secondary-note"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_change_carries_its_sign_in_both_languages() {
        let en = Tr::new(Lang::En);
        assert_eq!(signed(&en, 3.0), "+3");
        assert_eq!(signed(&en, -1.5), "−1.5");
        assert_eq!(signed(&en, 0.0), "no change");
        let it = Tr::new(Lang::It);
        assert_eq!(signed(&it, -1.5), "−1,5");
    }
}
