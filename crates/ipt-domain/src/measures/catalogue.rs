//! The built-in instrument catalogue: one TOML definition per instrument, embedded in the
//! binary and parsed on first use.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::definition::{DefinitionError, Instrument, Rater, TextStatus};

/// The definition files, in catalogue order.
const BUILTIN: &[(&str, &str)] = &[
    ("phq9.toml", include_str!("../../instruments/phq9.toml")),
    ("phq2.toml", include_str!("../../instruments/phq2.toml")),
    ("gad7.toml", include_str!("../../instruments/gad7.toml")),
    ("hamd17.toml", include_str!("../../instruments/hamd17.toml")),
    ("gds15.toml", include_str!("../../instruments/gds15.toml")),
    ("epds.toml", include_str!("../../instruments/epds.toml")),
    ("phqa.toml", include_str!("../../instruments/phqa.toml")),
    ("mspss.toml", include_str!("../../instruments/mspss.toml")),
    ("ucla3.toml", include_str!("../../instruments/ucla3.toml")),
    ("wsas.toml", include_str!("../../instruments/wsas.toml")),
    ("ras.toml", include_str!("../../instruments/ras.toml")),
    (
        "session_mood.toml",
        include_str!("../../instruments/session_mood.toml"),
    ),
    (
        "goal_progress.toml",
        include_str!("../../instruments/goal_progress.toml"),
    ),
];

/// A set of instrument definitions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Catalogue {
    instruments: Vec<Instrument>,
}

impl Catalogue {
    /// The built-in catalogue. The embedded definitions are checked by the test suite, so a
    /// failure here is a build defect, not a user error.
    pub fn builtin() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            Catalogue::from_sources(BUILTIN)
                .unwrap_or_else(|e| panic!("built-in instrument catalogue: {e}"))
        })
    }

    /// Parse and validate a set of `(file name, TOML)` definitions.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<Catalogue, DefinitionError> {
        let mut instruments: Vec<Instrument> = Vec::with_capacity(sources.len());
        for (file, src) in sources {
            let inst = Instrument::from_toml(file, src)?;
            if instruments.iter().any(|i| i.code == inst.code) {
                return Err(DefinitionError {
                    file: file.to_string(),
                    problem: format!("instrument code {} is defined twice", inst.code),
                });
            }
            instruments.push(inst);
        }
        let cat = Catalogue { instruments };
        for inst in &cat.instruments {
            if let Some(d) = &inst.derived_from {
                let src = cat.get(&d.instrument).ok_or_else(|| DefinitionError {
                    file: inst.code.clone(),
                    problem: format!("derived from unknown instrument {}", d.instrument),
                })?;
                for (item, src_id) in inst.items.iter().zip(&d.items) {
                    let ok = src
                        .item(src_id)
                        .is_some_and(|s| src.scale_of(s) == inst.scale_of(item));
                    if !ok {
                        return Err(DefinitionError {
                            file: inst.code.clone(),
                            problem: format!(
                                "item {} cannot be taken from {}.{src_id}",
                                item.id, d.instrument
                            ),
                        });
                    }
                }
            }
        }
        Ok(cat)
    }

    pub fn instruments(&self) -> &[Instrument] {
        &self.instruments
    }

    pub fn get(&self, code: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.code == code.trim())
    }

    pub fn codes(&self) -> Vec<&str> {
        self.instruments.iter().map(|i| i.code.as_str()).collect()
    }

    /// One line per instrument, for `ipt instruments`.
    pub fn summaries(&self) -> Vec<InstrumentSummary> {
        self.instruments.iter().map(InstrumentSummary::of).collect()
    }
}

/// A short description of an instrument for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrumentSummary {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub version: String,
    pub rater: Rater,
    pub items: usize,
    /// The published range (a signed instrument's total can be negative).
    pub min_total: i32,
    pub max_total: i32,
    pub text_status: TextStatus,
    pub text_shippable: bool,
    pub loinc_panel: Option<String>,
    pub loinc_total: Option<String>,
    pub attribution: String,
}

impl InstrumentSummary {
    pub fn of(i: &Instrument) -> Self {
        InstrumentSummary {
            code: i.code.clone(),
            name: i.name.clone(),
            short_name: i.short_name.clone(),
            version: i.version.clone(),
            rater: i.rater,
            items: i.scored_item_count(),
            min_total: i.shown_range().0,
            max_total: i.shown_range().1,
            text_status: i.licence.status,
            text_shippable: i.text_shippable,
            loinc_panel: i.loinc.panel.clone(),
            loinc_total: i.loinc.total.clone(),
            attribution: i.licence.attribution.clone(),
        }
    }
}

impl std::fmt::Display for InstrumentSummary {
    /// `phq9  PHQ-9  v1.0.0  9 items  0–27  self_report  text: shipped`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self.text_status {
            TextStatus::Ship => "shipped",
            TextStatus::Check => "text pack (terms to confirm)",
            TextStatus::NoText => "text pack (licensed locally)",
        };
        write!(
            f,
            "{:<14} {:<10} v{:<6} {:>2} items  {}–{}  {:<11}  text: {}",
            self.code,
            self.short_name,
            self.version,
            self.items,
            self.min_total,
            self.max_total,
            self.rater.code(),
            text
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_loads_in_order() {
        let codes = Catalogue::builtin().codes();
        assert_eq!(
            codes,
            [
                "phq9",
                "phq2",
                "gad7",
                "hamd17",
                "gds15",
                "epds",
                "phqa",
                "mspss",
                "ucla3",
                "wsas",
                "ras",
                "session_mood",
                "goal_progress"
            ]
        );
    }

    #[test]
    fn unknown_codes_name_the_known_ones() {
        let err = Catalogue::builtin().require("bdi").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("unknown instrument 'bdi'"), "{msg}");
        assert!(msg.contains("phq9"), "{msg}");
    }

    #[test]
    fn a_duplicate_code_is_refused() {
        let src = BUILTIN[0].1;
        let err = Catalogue::from_sources(&[("a.toml", src), ("b.toml", src)]).unwrap_err();
        assert!(err.problem.contains("defined twice"));
    }

    #[test]
    fn a_summary_line_reads_well() {
        let s = InstrumentSummary::of(Catalogue::builtin().get("phq9").unwrap()).to_string();
        assert!(s.starts_with("phq9"), "{s}");
        assert!(s.contains("0–27"), "{s}");
    }
}
