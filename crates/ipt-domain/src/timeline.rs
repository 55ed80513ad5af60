//! The interpersonal timeline: life events and mood episodes on one chronology, so that the
//! onset of the depression can be linked to what was happening around it (reference §3.4).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::approx_date::ApproxDate;
use crate::ids::{InventoryPersonId, MoodEpisodeId, TimelineEventId};
use crate::input::{self, Refusals};
use crate::rule::{self, Code, FieldError};

/// What kind of life event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Death,
    Separation,
    Conflict,
    Move,
    JobChange,
    Retirement,
    BirthOrPregnancy,
    Illness,
    Other,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        Self::Death,
        Self::Separation,
        Self::Conflict,
        Self::Move,
        Self::JobChange,
        Self::Retirement,
        Self::BirthOrPregnancy,
        Self::Illness,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Death => "death",
            Self::Separation => "separation",
            Self::Conflict => "conflict",
            Self::Move => "move",
            Self::JobChange => "job_change",
            Self::Retirement => "retirement",
            Self::BirthOrPregnancy => "birth_or_pregnancy",
            Self::Illness => "illness",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Death => "Death",
            Self::Separation => "Separation",
            Self::Conflict => "Conflict",
            Self::Move => "Move",
            Self::JobChange => "Job change",
            Self::Retirement => "Retirement",
            Self::BirthOrPregnancy => "Birth or pregnancy",
            Self::Illness => "Illness",
            Self::Other => "Other event",
        }
    }

    pub fn parse(code: &str) -> Result<Self, TimelineError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code.trim())
            .ok_or_else(|| TimelineError::UnknownKind(code.to_string()))
    }
}

/// A life event on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub id: TimelineEventId,
    pub date: ApproxDate,
    pub kind: EventKind,
    /// The person the event concerns, if they are in the inventory.
    pub person: Option<InventoryPersonId>,
    /// A short description in the clinician's words (clinical free text).
    pub description: String,
    pub version: i64,
}

/// How severe a mood episode was, as the clinician judged it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EpisodeSeverity {
    Mild,
    Moderate,
    Severe,
}

impl EpisodeSeverity {
    pub const ALL: [EpisodeSeverity; 3] = [Self::Mild, Self::Moderate, Self::Severe];
    pub fn code(self) -> &'static str {
        match self {
            Self::Mild => "mild",
            Self::Moderate => "moderate",
            Self::Severe => "severe",
        }
    }
    pub fn parse(code: &str) -> Result<Self, TimelineError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code.trim())
            .ok_or_else(|| TimelineError::UnknownSeverity(code.to_string()))
    }
}

/// A depressive episode, past or current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoodEpisode {
    pub id: MoodEpisodeId,
    pub onset: ApproxDate,
    /// None while the episode is ongoing.
    pub end: Option<ApproxDate>,
    pub severity: EpisodeSeverity,
    /// The episode this course treats.
    pub current: bool,
    pub version: i64,
}

impl TimelineEvent {
    /// A life event on the timeline is something that has happened: the earliest day its date
    /// can mean is not after today. Suggestions read the timeline as history, so a planned
    /// event (a move next spring) must not count as one.
    pub fn check_happened(&self, today: Date) -> Result<(), FieldError> {
        rule::not_after_today("date", self.date.range().0, today)
    }
}

impl MoodEpisode {
    /// An episode's onset and end are in the past (or this month/year).
    pub fn check_happened(&self, today: Date) -> Result<(), FieldError> {
        rule::not_after_today("onset", self.onset.range().0, today)?;
        if let Some(end) = self.end {
            rule::not_after_today("end", end.range().0, today)?;
        }
        Ok(())
    }

    /// An episode cannot end before it begins.
    pub fn check(&self) -> Result<(), TimelineError> {
        if let Some(end) = self.end
            && end.range().1 < self.onset.range().0
        {
            return Err(TimelineError::EndsBeforeOnset {
                onset: self.onset,
                end,
            });
        }
        Ok(())
    }
}

/// A life event as a door gives it (see `crate::input`): its approximate date, kind, the
/// inventory person it concerns (by id, empty for none) and a description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineEventInput {
    pub date: Option<String>,
    pub kind: Option<String>,
    pub person_id: Option<String>,
    pub description: String,
}

impl TimelineEventInput {
    /// Read the input into an event with `id` and `version`, against the course's inventory
    /// (`people`) and today: the event has happened, and concerns someone in the inventory.
    pub fn read(
        &self,
        id: TimelineEventId,
        version: i64,
        people: &[InventoryPersonId],
        today: Date,
    ) -> Result<TimelineEvent, Vec<FieldError>> {
        let mut r = Refusals::new();
        let date = r.take(
            input::approx_date("date", self.date.as_deref())
                .and_then(|d| input::required("date", d)),
        );
        let kind = r.take(
            input::choice("kind", self.kind.as_deref(), |c| EventKind::parse(c).ok())
                .and_then(|k| input::required("kind", k)),
        );
        let person = match self.person_id.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => r.take(
                raw.parse::<InventoryPersonId>()
                    .ok()
                    .filter(|p| people.contains(p))
                    .map(Some)
                    .ok_or_else(|| FieldError::new("person_id", Code::NotInInventory)),
            ),
        };
        let description = r.take(input::bounded_text(
            "description",
            &self.description,
            input::LONG_TEXT,
        ));
        let (Some(date), Some(kind), Some(person), Some(description)) =
            (date, kind, person, description)
        else {
            return Err(r.into_vec());
        };
        let event = TimelineEvent {
            id,
            date,
            kind,
            person,
            description,
            version,
        };
        r.take(event.check_happened(today));
        r.finish()?;
        Ok(event)
    }
}

/// A mood episode as a door gives it: onset, end (empty while ongoing), severity, and whether
/// it is the episode this course treats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoodEpisodeInput {
    pub onset: Option<String>,
    pub end: Option<String>,
    pub severity: Option<String>,
    pub current: bool,
}

impl MoodEpisodeInput {
    /// Read the input into an episode with `id` and `version`: it has begun (and ended, if it
    /// has an end) by today, and does not end before it begins.
    pub fn read(
        &self,
        id: MoodEpisodeId,
        version: i64,
        today: Date,
    ) -> Result<MoodEpisode, Vec<FieldError>> {
        let mut r = Refusals::new();
        let onset = r.take(
            input::approx_date("onset", self.onset.as_deref())
                .and_then(|d| input::required("onset", d)),
        );
        let end = r.take(input::approx_date("end", self.end.as_deref()));
        let severity = r.take(
            input::choice("severity", self.severity.as_deref(), |c| {
                EpisodeSeverity::parse(c).ok()
            })
            .and_then(|x| input::required("severity", x)),
        );
        let (Some(onset), Some(end), Some(severity)) = (onset, end, severity) else {
            return Err(r.into_vec());
        };
        let episode = MoodEpisode {
            id,
            onset,
            end,
            severity,
            current: self.current,
            version,
        };
        r.take(episode.check().map_err(FieldError::from));
        r.take(episode.check_happened(today));
        r.finish()?;
        Ok(episode)
    }
}

impl From<TimelineError> for FieldError {
    fn from(e: TimelineError) -> Self {
        match e {
            TimelineError::UnknownKind(v) => {
                FieldError::new("kind", Code::NotOneOf).text("value", v)
            }
            TimelineError::UnknownSeverity(v) => {
                FieldError::new("severity", Code::NotOneOf).text("value", v)
            }
            TimelineError::EndsBeforeOnset { onset, .. } => {
                FieldError::new("end", Code::EndBeforeOnset).text("onset", onset.to_string())
            }
        }
    }
}

/// The whole timeline of a course.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub events: Vec<TimelineEvent>,
    pub episodes: Vec<MoodEpisode>,
}

impl Timeline {
    /// The onset of the current episode: the one marked current, or else the latest onset.
    pub fn current_onset(&self) -> Option<ApproxDate> {
        self.episodes
            .iter()
            .find(|e| e.current)
            .or_else(|| self.episodes.iter().max_by_key(|e| e.onset))
            .map(|e| e.onset)
    }

    /// Events in chronological order.
    pub fn events_sorted(&self) -> Vec<&TimelineEvent> {
        let mut v: Vec<_> = self.events.iter().collect();
        v.sort_by_key(|e| e.date);
        v
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    #[error(
        "'{0}' is not an event kind (death, separation, conflict, move, job_change, retirement, birth_or_pregnancy, illness, other)"
    )]
    UnknownKind(String),
    #[error("'{0}' is not a severity (mild, moderate, severe)")]
    UnknownSeverity(String),
    #[error("the episode ends ({end}) before it begins ({onset})")]
    EndsBeforeOnset { onset: ApproxDate, end: ApproxDate },
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn ep(onset: &str, end: Option<&str>, current: bool) -> MoodEpisode {
        MoodEpisode {
            id: MoodEpisodeId::from_uuid(Uuid::nil()),
            onset: onset.parse().unwrap(),
            end: end.map(|e| e.parse().unwrap()),
            severity: EpisodeSeverity::Moderate,
            current,
            version: 1,
        }
    }

    #[test]
    fn current_onset_prefers_the_marked_episode() {
        let t = Timeline {
            events: vec![],
            episodes: vec![
                ep("2020-01", Some("2020-06"), false),
                ep("2026-05", None, true),
            ],
        };
        assert_eq!(t.current_onset(), Some("2026-05".parse().unwrap()));
        let t = Timeline {
            events: vec![],
            episodes: vec![ep("2020-01", None, false), ep("2018", None, false)],
        };
        assert_eq!(t.current_onset(), Some("2020-01".parse().unwrap()));
    }

    #[test]
    fn an_episode_cannot_end_before_it_starts() {
        assert!(ep("2026-05", Some("2026-01"), false).check().is_err());
        assert!(
            ep("2026", Some("2026-01"), false).check().is_ok(),
            "overlapping precision is allowed"
        );
    }

    #[test]
    fn events_and_episodes_must_have_begun_by_today() {
        let today = time::macros::date!(2026 - 12 - 01);
        let event = |d: &str| TimelineEvent {
            id: TimelineEventId::from_uuid(Uuid::nil()),
            date: d.parse().unwrap(),
            kind: EventKind::Move,
            person: None,
            description: String::new(),
            version: 1,
        };
        assert!(event("2026-12-01").check_happened(today).is_ok());
        assert!(event("2026-12").check_happened(today).is_ok(), "this month");
        assert!(event("2026").check_happened(today).is_ok(), "this year");
        let e = event("2026-12-02").check_happened(today).unwrap_err();
        assert_eq!((e.field, e.code.as_str()), ("date", "date_in_future"));
        assert!(event("2027").check_happened(today).is_err());
        assert!(ep("2026-11", None, true).check_happened(today).is_ok());
        assert_eq!(
            ep("2027-01", None, true)
                .check_happened(today)
                .unwrap_err()
                .field,
            "onset"
        );
        assert_eq!(
            ep("2026-11", Some("2027-02"), false)
                .check_happened(today)
                .unwrap_err()
                .field,
            "end"
        );
    }
}
