//! The interpersonal mood diary: a patient's daily note of their mood (0–10), the people they
//! spent time with and how each contact went (−2…+2). IPT links mood to relationships; the diary
//! lets patient and therapist look at that link between sessions.
//!
//! The "people and mood" summary compares average mood on days with and without each person. It
//! describes a pattern in what was written down; it does not say that anyone causes a mood.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::ids::{CourseId, DiaryEntryId, InventoryPersonId, PatientId};
use crate::inventory::SelfExpression;

/// Mood on a 0–10 scale (0 = the worst, 10 = the best the patient can imagine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct DiaryMood(u8);

impl DiaryMood {
    pub const MAX: u8 = 10;
    pub fn new(v: u8) -> Result<Self, DiaryError> {
        if v > Self::MAX {
            return Err(DiaryError::MoodOutOfRange(v.into()));
        }
        Ok(Self(v))
    }
    pub fn parse(s: &str) -> Result<Self, DiaryError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(DiaryError::MoodMissing);
        }
        let v: i64 = t
            .parse()
            .map_err(|_| DiaryError::MoodNotANumber(t.chars().take(20).collect()))?;
        if !(0..=Self::MAX as i64).contains(&v) {
            return Err(DiaryError::MoodOutOfRange(v));
        }
        Ok(Self(v as u8))
    }
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for DiaryMood {
    type Error = DiaryError;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<DiaryMood> for u8 {
    fn from(m: DiaryMood) -> u8 {
        m.0
    }
}

/// How a contact went, from −2 (very badly) to +2 (very well).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i8", into = "i8")]
pub struct InteractionQuality(i8);

impl InteractionQuality {
    pub const ALL: [i8; 5] = [-2, -1, 0, 1, 2];
    pub fn new(v: i8) -> Result<Self, DiaryError> {
        if !(-2..=2).contains(&v) {
            return Err(DiaryError::QualityOutOfRange(v.into()));
        }
        Ok(Self(v))
    }
    pub fn parse(s: &str) -> Result<Self, DiaryError> {
        let t = s.trim().trim_start_matches('+');
        let v: i64 = t
            .parse()
            .map_err(|_| DiaryError::QualityOutOfRange(i64::MIN))?;
        if !(-2..=2).contains(&v) {
            return Err(DiaryError::QualityOutOfRange(v));
        }
        Ok(Self(v as i8))
    }
    pub fn get(self) -> i8 {
        self.0
    }
}

impl TryFrom<i8> for InteractionQuality {
    type Error = DiaryError;
    fn try_from(v: i8) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<InteractionQuality> for i8 {
    fn from(q: InteractionQuality) -> i8 {
        q.0
    }
}

/// Time spent with one person on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interaction {
    /// The person in the course's inventory, when chosen from it.
    pub person: Option<InventoryPersonId>,
    /// The alias shown to the patient (copied from the inventory, or typed in for someone new).
    pub alias: String,
    pub quality: InteractionQuality,
    /// How easy it was to say what they needed with this person that day, when the patient
    /// answered the optional question: the inventory's self-expression rating, 0–4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_expression: Option<SelfExpression>,
}

/// One day of the diary. A course has at most one entry per date; writing the same day again
/// edits it (with its version, like every editable record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiaryEntry {
    pub id: DiaryEntryId,
    pub course: CourseId,
    pub patient: PatientId,
    pub date: Date,
    pub mood: DiaryMood,
    pub interactions: Vec<Interaction>,
    /// Optional, the patient's own words.
    pub note: String,
    pub recorded_at: OffsetDateTime,
    pub version: i64,
}

impl DiaryEntry {
    pub const MAX_INTERACTIONS: usize = 12;
    pub const MAX_NOTE_CHARS: usize = 2000;
    pub const MAX_ALIAS_CHARS: usize = 60;

    /// Checks that hold across fields: no entry for a day that has not come yet, a bounded note,
    /// each person at most once, every alias present and short.
    pub fn check(&self, today: Date) -> Result<(), DiaryError> {
        if self.date > today {
            return Err(DiaryError::FutureDate(self.date));
        }
        if crate::input::check_characters("note", &self.note, true).is_err() {
            return Err(DiaryError::NoteControlCharacter);
        }
        if self.note.chars().count() > Self::MAX_NOTE_CHARS {
            return Err(DiaryError::NoteTooLong(Self::MAX_NOTE_CHARS));
        }
        if self.interactions.len() > Self::MAX_INTERACTIONS {
            return Err(DiaryError::TooManyPeople(Self::MAX_INTERACTIONS));
        }
        let mut seen: Vec<String> = vec![];
        for i in &self.interactions {
            let alias = i.alias.trim();
            if alias.is_empty() {
                return Err(DiaryError::EmptyAlias);
            }
            if alias.chars().count() > Self::MAX_ALIAS_CHARS {
                return Err(DiaryError::AliasTooLong(Self::MAX_ALIAS_CHARS));
            }
            if crate::input::check_characters("alias", alias, false).is_err() {
                return Err(DiaryError::AliasControlCharacter);
            }
            let key = person_key(i);
            if seen.contains(&key) {
                return Err(DiaryError::PersonTwice(alias.to_string()));
            }
            seen.push(key);
        }
        Ok(())
    }
}

/// The same person across entries: the inventory id when known, else the alias ignoring case.
fn person_key(i: &Interaction) -> String {
    match i.person {
        Some(id) => id.to_string(),
        None => i.alias.trim().to_lowercase(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiaryError {
    #[error("choose a mood from 0 to 10")]
    MoodMissing,
    #[error("'{0}' is not a number; choose a mood from 0 to 10")]
    MoodNotANumber(String),
    #[error("mood {0} is outside 0 to 10")]
    MoodOutOfRange(i64),
    #[error("how a contact went is rated from -2 to +2")]
    QualityOutOfRange(i64),
    #[error("the diary cannot hold a day that has not come yet ({0})")]
    FutureDate(Date),
    #[error("the note is longer than {0} characters")]
    NoteTooLong(usize),
    #[error("the note holds a control character")]
    NoteControlCharacter,
    #[error("a name or nickname holds a control character")]
    AliasControlCharacter,
    #[error("a day can list at most {0} people")]
    TooManyPeople(usize),
    #[error("give the person a name or nickname")]
    EmptyAlias,
    #[error("a name or nickname can be at most {0} characters")]
    AliasTooLong(usize),
    #[error("{0} is listed twice on the same day")]
    PersonTwice(String),
}

/// Average mood on the days with and without one person, with how many days each rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonMood {
    pub person: Option<InventoryPersonId>,
    pub alias: String,
    pub days_with: usize,
    pub mood_with: f64,
    pub days_without: usize,
    /// None when every diary day included this person.
    pub mood_without: Option<f64>,
    /// Average quality of the contacts, −2…+2.
    pub quality: f64,
    /// The self-expression ratings given for this person, oldest day first.
    pub self_expression: Vec<(Date, SelfExpression)>,
}

impl PersonMood {
    /// A difference of means resting on fewer days than this on either side is shown but
    /// marked as too few to read anything into.
    pub const FEW_DAYS: usize = 3;

    /// Whether both sides rest on enough days for the difference to be worth talking about.
    pub fn enough_days(&self) -> bool {
        self.days_with >= Self::FEW_DAYS && self.days_without >= Self::FEW_DAYS
    }

    /// Mood with minus mood without, when both exist.
    pub fn difference(&self) -> Option<f64> {
        self.mood_without.map(|w| self.mood_with - w)
    }

    /// The first and the latest self-expression rating, when at least two were given.
    pub fn self_expression_moved(&self) -> Option<(SelfExpression, SelfExpression)> {
        match (self.self_expression.first(), self.self_expression.last()) {
            (Some(a), Some(b)) if self.self_expression.len() >= 2 => Some((a.1, b.1)),
            _ => None,
        }
    }
}

/// The "people and mood" summary: one row per person who appears in the diary, most frequent
/// first (ties by alias). Plain arithmetic means; no inference is drawn from them.
pub fn people_and_mood(entries: &[DiaryEntry]) -> Vec<PersonMood> {
    let total_days = entries.len();
    let total_mood: f64 = entries.iter().map(|e| e.mood.get() as f64).sum();
    // key -> (person, latest alias, days, mood sum, quality sum, ratings)
    type Row = (
        String,
        Option<InventoryPersonId>,
        String,
        usize,
        f64,
        f64,
        Vec<(Date, SelfExpression)>,
    );
    let mut rows: Vec<Row> = vec![];
    let mut sorted: Vec<&DiaryEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.date);
    for e in sorted {
        for i in &e.interactions {
            let key = person_key(i);
            let mood = e.mood.get() as f64;
            match rows.iter_mut().find(|r| r.0 == key) {
                Some(r) => {
                    r.2 = i.alias.trim().to_string();
                    r.3 += 1;
                    r.4 += mood;
                    r.5 += i.quality.get() as f64;
                    r.6.extend(i.self_expression.map(|s| (e.date, s)));
                }
                None => rows.push((
                    key,
                    i.person,
                    i.alias.trim().to_string(),
                    1,
                    mood,
                    i.quality.get() as f64,
                    i.self_expression.map(|s| (e.date, s)).into_iter().collect(),
                )),
            }
        }
    }
    let mut out: Vec<PersonMood> = rows
        .into_iter()
        .map(|(_, person, alias, days, sum, quality, self_expression)| {
            let without_days = total_days - days;
            PersonMood {
                person,
                alias,
                days_with: days,
                mood_with: sum / days as f64,
                days_without: without_days,
                mood_without: (without_days > 0).then(|| (total_mood - sum) / without_days as f64),
                quality: quality / days as f64,
                self_expression,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.days_with
            .cmp(&a.days_with)
            .then_with(|| a.alias.to_lowercase().cmp(&b.alias.to_lowercase()))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn entry(d: Date, mood: u8, people: &[(&str, i8)]) -> DiaryEntry {
        DiaryEntry {
            id: DiaryEntryId::from(uuid::Uuid::nil()),
            course: CourseId::from(uuid::Uuid::nil()),
            patient: PatientId::from(uuid::Uuid::nil()),
            date: d,
            mood: DiaryMood::new(mood).unwrap(),
            interactions: people
                .iter()
                .map(|(a, q)| Interaction {
                    person: None,
                    alias: a.to_string(),
                    quality: InteractionQuality::new(*q).unwrap(),
                    self_expression: None,
                })
                .collect(),
            note: String::new(),
            recorded_at: datetime!(2026-03-01 20:00 UTC),
            version: 1,
        }
    }

    #[test]
    fn mood_and_quality_are_bounded() {
        assert!(DiaryMood::new(10).is_ok());
        assert_eq!(DiaryMood::new(11), Err(DiaryError::MoodOutOfRange(11)));
        assert_eq!(DiaryMood::parse(" "), Err(DiaryError::MoodMissing));
        assert!(matches!(
            DiaryMood::parse("seven"),
            Err(DiaryError::MoodNotANumber(_))
        ));
        assert_eq!(DiaryMood::parse("-1"), Err(DiaryError::MoodOutOfRange(-1)));
        assert_eq!(InteractionQuality::parse("+2").unwrap().get(), 2);
        assert_eq!(InteractionQuality::parse("-2").unwrap().get(), -2);
        assert!(InteractionQuality::parse("3").is_err());
        assert!(InteractionQuality::parse("x").is_err());
    }

    #[test]
    fn an_entry_refuses_the_future_duplicates_and_long_notes() {
        let today = date!(2026 - 03 - 10);
        assert!(entry(today, 5, &[("Sam", 1)]).check(today).is_ok());
        assert_eq!(
            entry(date!(2026 - 03 - 11), 5, &[]).check(today),
            Err(DiaryError::FutureDate(date!(2026 - 03 - 11)))
        );
        assert_eq!(
            entry(today, 5, &[("Sam", 1), ("sam ", -1)]).check(today),
            Err(DiaryError::PersonTwice("sam".into()))
        );
        assert_eq!(
            entry(today, 5, &[(" ", 1)]).check(today),
            Err(DiaryError::EmptyAlias)
        );
        let mut long = entry(today, 5, &[]);
        long.note = "x".repeat(DiaryEntry::MAX_NOTE_CHARS + 1);
        assert_eq!(
            long.check(today),
            Err(DiaryError::NoteTooLong(DiaryEntry::MAX_NOTE_CHARS))
        );
    }

    #[test]
    fn people_and_mood_compares_days_with_and_without_each_person() {
        let entries = vec![
            entry(date!(2026 - 03 - 01), 3, &[("Sam", -1)]),
            entry(date!(2026 - 03 - 02), 7, &[("Ada", 2)]),
            entry(date!(2026 - 03 - 03), 5, &[("Sam", 1), ("Ada", 1)]),
            entry(date!(2026 - 03 - 04), 8, &[]),
        ];
        let rows = people_and_mood(&entries);
        assert_eq!(rows.len(), 2);
        // Equal counts: alphabetical.
        assert_eq!(rows[0].alias, "Ada");
        assert_eq!(rows[0].days_with, 2);
        assert_eq!(rows[0].mood_with, 6.0);
        assert_eq!(rows[0].days_without, 2);
        assert_eq!(rows[0].mood_without, Some(5.5));
        assert_eq!(rows[0].quality, 1.5);
        assert_eq!(rows[1].alias, "Sam");
        assert_eq!(rows[1].mood_with, 4.0);
        assert_eq!(rows[1].mood_without, Some(7.5));
        assert_eq!(rows[1].difference(), Some(-3.5));
        assert!(!rows[1].enough_days());
    }

    #[test]
    fn self_expression_ratings_are_kept_per_person_in_day_order() {
        let rated = |d: Date, r: Option<u8>| {
            let mut e = entry(d, 5, &[("Sam", 0)]);
            e.interactions[0].self_expression = r.map(|r| SelfExpression::new(r).unwrap());
            e
        };
        let rows = people_and_mood(&[
            rated(date!(2026 - 03 - 03), Some(3)),
            rated(date!(2026 - 03 - 01), Some(1)),
            rated(date!(2026 - 03 - 02), None),
        ]);
        let moved = rows[0].self_expression_moved().unwrap();
        assert_eq!((moved.0.value(), moved.1.value()), (1, 3));
        assert_eq!(rows[0].self_expression.len(), 2);
        let once = people_and_mood(&[rated(date!(2026 - 03 - 01), Some(2))]);
        assert_eq!(once[0].self_expression_moved(), None);
    }

    #[test]
    fn a_person_on_every_day_has_no_comparison() {
        let entries = vec![
            entry(date!(2026 - 03 - 01), 4, &[("Mum", 0)]),
            entry(date!(2026 - 03 - 02), 6, &[("mum", 1)]),
        ];
        let rows = people_and_mood(&entries);
        assert_eq!(rows.len(), 1, "aliases match regardless of case");
        assert_eq!(rows[0].alias, "mum", "the latest spelling is shown");
        assert_eq!(rows[0].mood_without, None);
        assert_eq!(rows[0].difference(), None);
        assert!(people_and_mood(&[]).is_empty());
    }
}
