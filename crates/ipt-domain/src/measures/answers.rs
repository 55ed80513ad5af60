//! Item answers, parsed against an instrument: the right number of them, each one allowed.
//!
//! The command-line syntax is comma-separated item values in item order, with an empty field
//! for a missing item: `1,2,,3,0,1,2,0,0`. Spaces around fields are ignored.
//!
//! Two conveniences keep typing short:
//! - trailing unscored items (the PHQ-9 difficulty question, the PHQ-A extra questions) may be
//!   left off entirely;
//! - where an item has alternative ratings (HAM-D 16a by history / 16b by measured weight),
//!   the answers may give one field per alternative (HAM-D: 18 fields, leave the unused one
//!   empty) or a single field for the group, which is then the first alternative (HAM-D: 17
//!   fields, item 16 rated by history).
//!
//! [`Answers`] always holds one slot per item of the definition, in definition order; that is
//! what storage keeps.

use serde::Serialize;

use super::definition::Instrument;

/// Why answers could not be scored. Every message names the problem in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("unknown instrument '{code}' (known: {known})")]
    UnknownInstrument { code: String, known: String },
    #[error("wrong number of answers for {instrument}: expected {expected}, got {got}")]
    WrongCount {
        instrument: String,
        expected: String,
        got: usize,
    },
    #[error("value out of range for {instrument} item {item}: {value} not in {allowed}")]
    OutOfRange {
        instrument: String,
        item: String,
        value: i64,
        allowed: String,
    },
    #[error(
        "answer {position} is '{text}', which is not a whole number (leave a missing item empty)"
    )]
    NotANumber { position: usize, text: String },
    #[error("{instrument} items {items} are alternative ratings: give only one")]
    ConflictingAlternatives { instrument: String, items: String },
    #[error("these answers are for {found}, not {expected}")]
    WrongInstrument { expected: String, found: String },
    #[error("scoring configuration: {0}")]
    Config(String),
}

/// A checked set of answers for one instrument: one slot per item, `None` for missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answers {
    instrument: String,
    values: Vec<Option<u8>>,
}

impl Answers {
    pub fn instrument(&self) -> &str {
        &self.instrument
    }

    /// One slot per item, in definition order.
    pub fn values(&self) -> &[Option<u8>] {
        &self.values
    }

    pub fn into_values(self) -> Vec<Option<u8>> {
        self.values
    }

    /// The answer to item `id`, if given.
    pub fn get(&self, instrument: &Instrument, id: &str) -> Option<u8> {
        instrument.item_index(id).and_then(|i| self.values[i])
    }
}

/// Split the command-line syntax into fields without knowing the instrument.
pub fn parse_answer_list(input: &str) -> Result<Vec<Option<u8>>, ScoreError> {
    split_fields(input)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            None => Ok(None),
            Some(n) => u8::try_from(n)
                .map(Some)
                .map_err(|_| ScoreError::NotANumber {
                    position: i + 1,
                    text: n.to_string(),
                }),
        })
        .collect()
}

fn split_fields(input: &str) -> Result<Vec<Option<u32>>, ScoreError> {
    input
        .trim()
        .split(',')
        .enumerate()
        .map(|(i, field)| {
            let f = field.trim();
            if f.is_empty() {
                Ok(None)
            } else if f.bytes().all(|b| b.is_ascii_digit()) && f.len() <= 9 {
                Ok(Some(f.parse::<u32>().unwrap_or(u32::MAX)))
            } else {
                Err(ScoreError::NotANumber {
                    position: i + 1,
                    text: f.to_string(),
                })
            }
        })
        .collect()
}

/// A field as a whole number with an optional sign (`+2`, `-3`, or with the minus sign `−3`).
pub fn signed_number(field: &str) -> Option<i64> {
    let f = field.trim();
    let (negative, digits) = match f.strip_prefix('-').or_else(|| f.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, f.strip_prefix('+').unwrap_or(f)),
    };
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if negative { -n } else { n })
}

impl Instrument {
    /// Parse the command-line answer syntax for this instrument. Values are as published:
    /// signed on a signed scale (RAS: `-3` … `+3`), whole numbers elsewhere.
    pub fn parse_answers(&self, input: &str) -> Result<Answers, ScoreError> {
        let fields = input
            .trim()
            .split(',')
            .enumerate()
            .map(|(i, field)| {
                let f = field.trim();
                if f.is_empty() {
                    Ok(None)
                } else {
                    signed_number(f)
                        .map(Some)
                        .ok_or_else(|| ScoreError::NotANumber {
                            position: i + 1,
                            text: f.to_string(),
                        })
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.answers_from(&self.codes_of_published(&fields)?)
    }

    /// Published answers, in item order, as the codes storage keeps: on a signed scale the
    /// published value less the offset (a 0 between −1 and +1 is no answer), elsewhere the
    /// value itself. A signed instrument has no alternative ratings, so position `i` is item
    /// `i`; a negative value on an unsigned scale is out of range.
    pub fn codes_of_published(&self, raw: &[Option<i64>]) -> Result<Vec<Option<u32>>, ScoreError> {
        raw.iter()
            .enumerate()
            .map(|(i, v)| {
                let Some(n) = *v else { return Ok(None) };
                let item = self.items.get(i);
                let out_of_range = || ScoreError::OutOfRange {
                    instrument: self.code.clone(),
                    item: item
                        .map(|it| it.label.clone())
                        .unwrap_or_else(|| (i + 1).to_string()),
                    value: n,
                    allowed: item
                        .map(|it| self.scale_of(it).describe())
                        .unwrap_or_default(),
                };
                match item.map(|it| self.scale_of(it)) {
                    Some(scale) if scale.is_signed() => {
                        scale.code_of(n).map(Some).ok_or_else(out_of_range)
                    }
                    _ => u32::try_from(n)
                        .map(|c| Some(c.min(u32::MAX - 1)))
                        .map_err(|_| out_of_range()),
                }
            })
            .collect()
    }

    /// Check raw answers (in item order, `None` = missing) against this instrument.
    pub fn answers(&self, raw: &[Option<u8>]) -> Result<Answers, ScoreError> {
        let wide: Vec<Option<u32>> = raw.iter().map(|v| v.map(u32::from)).collect();
        self.answers_from(&wide)
    }

    /// Raw answers laid out one per item, in item order: all of them (an unscored tail may be
    /// left off), or without the alternative ratings (HAM-D 16b). `None` when the count is
    /// neither (`expected_counts` says what it may be).
    pub fn item_slots(&self, raw: &[Option<u32>]) -> Option<Vec<Option<u32>>> {
        let full = self.items.len();
        let optional_tail = self.items.iter().rev().take_while(|i| !i.scored).count();
        let compact = full
            - self
                .items
                .iter()
                .filter(|i| i.alternative_of.is_some())
                .count();
        let fits = |n: usize, len: usize| (n - optional_tail..=n).contains(&len);

        if fits(full, raw.len()) {
            let mut v = raw.to_vec();
            v.resize(full, None);
            Some(v)
        } else if compact != full && fits(compact, raw.len()) {
            let mut it = raw.iter().copied();
            Some(
                self.items
                    .iter()
                    .map(|item| match item.alternative_of {
                        Some(_) => None,
                        None => it.next().flatten(),
                    })
                    .collect(),
            )
        } else {
            None
        }
    }

    fn answers_from(&self, raw: &[Option<u32>]) -> Result<Answers, ScoreError> {
        let full = self.items.len();
        let Some(slots) = self.item_slots(raw) else {
            return Err(ScoreError::WrongCount {
                instrument: self.code.clone(),
                expected: self.expected_counts(),
                got: raw.len(),
            });
        };

        let mut values = Vec::with_capacity(full);
        for (item, v) in self.items.iter().zip(&slots) {
            let scale = self.scale_of(item);
            match *v {
                None => values.push(None),
                Some(n) if scale.allows(n) => values.push(Some(n as u8)),
                Some(n) => {
                    return Err(ScoreError::OutOfRange {
                        instrument: self.code.clone(),
                        item: item.label.clone(),
                        value: i64::from(n),
                        allowed: scale.describe(),
                    });
                }
            }
        }
        for unit in self.units() {
            let given: Vec<usize> = unit
                .members
                .iter()
                .copied()
                .filter(|&i| values[i].is_some())
                .collect();
            if given.len() > 1 {
                return Err(ScoreError::ConflictingAlternatives {
                    instrument: self.code.clone(),
                    items: given
                        .iter()
                        .map(|&i| self.items[i].label.clone())
                        .collect::<Vec<_>>()
                        .join(" and "),
                });
            }
        }
        Ok(Answers {
            instrument: self.code.clone(),
            values,
        })
    }

    /// How many answers this instrument accepts, in words: "9 or 10", "9 to 13", "17 or 18".
    pub fn expected_counts(&self) -> String {
        let full = self.items.len();
        let optional_tail = self.items.iter().rev().take_while(|i| !i.scored).count();
        let compact = full
            - self
                .items
                .iter()
                .filter(|i| i.alternative_of.is_some())
                .count();
        let range = |n: usize| match optional_tail {
            0 => n.to_string(),
            1 => format!("{} or {n}", n - 1),
            _ => format!("{} to {n}", n - optional_tail),
        };
        if compact == full {
            range(full)
        } else {
            format!("{} or {}", range(compact), range(full))
        }
    }

    /// Answers for a derived instrument (PHQ-2) taken from the source instrument's answers
    /// (PHQ-9 items 1–2).
    pub fn derive_answers(
        &self,
        source: &Instrument,
        answers: &Answers,
    ) -> Result<Answers, ScoreError> {
        let d = self
            .derived_from
            .as_ref()
            .filter(|d| d.instrument == source.code);
        let d = match d {
            Some(d) if answers.instrument == source.code => d,
            _ => {
                return Err(ScoreError::WrongInstrument {
                    expected: self
                        .derived_from
                        .as_ref()
                        .map_or(self.code.clone(), |d| d.instrument.clone()),
                    found: answers.instrument.clone(),
                });
            }
        };
        let values = d.items.iter().map(|id| answers.get(source, id)).collect();
        Ok(Answers {
            instrument: self.code.clone(),
            values,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::Catalogue;

    fn inst(code: &str) -> &'static Instrument {
        Catalogue::builtin().get(code).unwrap()
    }

    #[test]
    fn empty_fields_are_missing_items() {
        assert_eq!(
            parse_answer_list("1,2,,3").unwrap(),
            vec![Some(1), Some(2), None, Some(3)]
        );
        assert_eq!(
            parse_answer_list(" 1 , 2 ").unwrap(),
            vec![Some(1), Some(2)]
        );
        assert_eq!(parse_answer_list("").unwrap(), vec![None]);
    }

    #[test]
    fn non_numbers_are_named_by_position() {
        let e = parse_answer_list("1,x,3").unwrap_err();
        assert_eq!(
            e,
            ScoreError::NotANumber {
                position: 2,
                text: "x".into()
            }
        );
        assert!(parse_answer_list("1,-1").is_err());
        assert!(parse_answer_list("1,300").is_err());
    }

    #[test]
    fn phq9_takes_nine_or_ten_answers() {
        let p = inst("phq9");
        assert_eq!(p.expected_counts(), "9 or 10");
        assert_eq!(
            p.parse_answers("0,0,0,0,0,0,0,0,0").unwrap().values().len(),
            10
        );
        assert_eq!(
            p.parse_answers("0,0,0,0,0,0,0,0,0,2").unwrap().values()[9],
            Some(2)
        );
        let e = p.parse_answers("0,0,0,0,0,0,0,0").unwrap_err();
        assert_eq!(
            e.to_string(),
            "wrong number of answers for phq9: expected 9 or 10, got 8"
        );
    }

    #[test]
    fn out_of_range_names_the_item_and_range() {
        let e = inst("phq9").parse_answers("0,0,4,0,0,0,0,0,0").unwrap_err();
        assert_eq!(
            e.to_string(),
            "value out of range for phq9 item 3: 4 not in 0–3"
        );
        let e = inst("phq9")
            .parse_answers("0,0,300,0,0,0,0,0,0")
            .unwrap_err();
        assert!(e.to_string().contains("300 not in 0–3"));
    }

    #[test]
    fn hamd_takes_a_compact_or_full_item_16() {
        let h = inst("hamd17");
        assert_eq!(h.expected_counts(), "17 or 18");
        let compact = h
            .parse_answers("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2,1")
            .unwrap();
        let full = h
            .parse_answers("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2,,1")
            .unwrap();
        assert_eq!(compact, full);
        let by_weight = h
            .parse_answers("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,,2,1")
            .unwrap();
        assert_ne!(by_weight, full);
        let e = h
            .parse_answers("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2,2,1")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "hamd17 items 16a and 16b are alternative ratings: give only one"
        );
    }

    #[test]
    fn phq2_is_derived_from_phq9_items_1_and_2() {
        let (p9, p2) = (inst("phq9"), inst("phq2"));
        let a = p9.parse_answers("3,2,1,1,1,1,1,1,0").unwrap();
        let d = p2.derive_answers(p9, &a).unwrap();
        assert_eq!(d.values(), &[Some(3), Some(2)]);
        let gad = inst("gad7").parse_answers("0,0,0,0,0,0,0").unwrap();
        assert!(p2.derive_answers(p9, &gad).is_err());
    }
}
