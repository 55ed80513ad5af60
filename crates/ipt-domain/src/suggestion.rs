//! Problem-area suggestions: pure rules that read the interpersonal inventory and timeline and
//! say which of the four IPT problem areas the evidence points to, and why.
//!
//! This is decision support only. The clinician chooses the focus area together with the
//! patient (reference §2, "Inventory and timeline signals → area": "the clinician decides").
//! Nothing here says that a patient *has* a problem area; every output is a suggestion, and
//! every point of score is backed by a [`Reason`] that names the records it rests on.
//!
//! How the rules fit together (each is a small function below):
//! - [`grief_reasons`]: a death before or around onset (reference §2, §2.1), weighed by how
//!   close the person was ([`loss_closeness`]): IPT grief concerns a significant other;
//! - [`dispute_reasons`]: open or hidden conflict, unmet expectations, conflict events (§2.2);
//! - [`transition_reasons`]: a life change near onset, even a "positive" one (§2.3);
//! - [`deficits_reasons`]: the residual area, suggested only when no other area explains the
//!   episode, made stronger by a thin network once the inventory holds enough people to show
//!   one (§2, selection rules; §2.4);
//! - [`tag_reasons`]: the clinician's own area tags on inventory people (§3.2).
//!
//! A separation counts twice, on purpose: it is a change of relationship status, which §2.3
//! lists as a role transition, and it can be the end point of a dispute (dissolution, §2.2).
//! The transition side carries the full weight of a life change; the dispute side a smaller
//! weight, which grows through the ordinary conflict rules when conflict with the same person is
//! recorded. When both fit, the two areas score close together and the result is flagged as
//! ambiguous: §2 says disputes and transitions often co-occur, and the patient's view decides.
//!
//! Things the rules cannot see are left to the clinician: a relationship conspicuously left out
//! of the inventory, the quality of mourning, or what the patient finds most important.

use std::collections::HashMap;

use serde::Serialize;

use crate::approx_date::{ApproxDate, DatePrecision};
use crate::ids::{InventoryPersonId, TimelineEventId};
use crate::inventory::{
    ClosenessRing, ConflictLevel, InventoryPerson, NetworkIndices, Reciprocity, RelationshipKind,
};
use crate::problem_area::{AreaKind, DisputeStage};
use crate::timeline::{EventKind, Timeline, TimelineEvent};

/// A reminder shown with every set of suggestions.
pub const DECISION_SUPPORT: &str = "These are suggestions from the inventory and timeline, not a \
     decision. The clinician chooses one (at most two) focus areas with the patient.";

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// How far from onset an event may lie and still count, for one family of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Up to this many months before onset, an event is "near onset" (full weight).
    pub near_months: i32,
    /// Beyond `near_months` and up to this many months before onset, it is "recent" (reduced
    /// weight). Earlier than this it is "long before".
    pub recent_months: i32,
}

/// Points an event earns, by where it falls relative to onset (see [`Timing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimingPoints {
    pub near: u32,
    pub recent: u32,
    pub long_before: u32,
    pub after_onset: u32,
    pub onset_unknown: u32,
}

impl TimingPoints {
    /// The points for one timing.
    pub fn for_timing(&self, timing: Timing) -> u32 {
        match timing {
            Timing::NearOnset { .. } => self.near,
            Timing::Recent { .. } => self.recent,
            Timing::LongBefore { .. } => self.long_before,
            Timing::AfterOnset { .. } => self.after_onset,
            Timing::OnsetUnknown => self.onset_unknown,
        }
    }
}

/// Percent of a death's points kept, by how close the person was (see [`LossCloseness`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LossPercent {
    pub significant: u32,
    pub moderate: u32,
    pub distant: u32,
    /// The death names nobody in the inventory, so the closeness is not known.
    pub unknown: u32,
}

/// How close the person who died was, as the inventory records it (reference §3.2 and §3.3:
/// relationship and closeness-circle ring). IPT grief concerns the death of a significant
/// other (§2.1: "the death of someone close"), so a death weighs by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossCloseness {
    /// Inner ring; or a partner, parent, child or sibling anywhere in the circle; or anyone
    /// but a colleague, neighbour or professional in the middle ring.
    Significant,
    /// Outer ring (not a distant tie), a distant tie in the middle ring, or close family
    /// placed outside the circle (estrangement is for the clinician to explore).
    Moderate,
    /// A colleague, neighbour or professional in the outer ring, or anyone else outside the
    /// circle.
    Distant,
    /// The death is not linked to an inventory person.
    Unknown,
}

impl LossCloseness {
    pub fn code(self) -> &'static str {
        match self {
            Self::Significant => "significant",
            Self::Moderate => "moderate",
            Self::Distant => "distant",
            Self::Unknown => "unknown",
        }
    }

    /// Only a significant loss is named in the formulation draft.
    pub fn is_significant(self) -> bool {
        self == Self::Significant
    }

    pub fn percent(self, rules: &SuggestionRules) -> u32 {
        let p = rules.weights.loss_percent;
        match self {
            Self::Significant => p.significant,
            Self::Moderate => p.moderate,
            Self::Distant => p.distant,
            Self::Unknown => p.unknown,
        }
    }
}

/// How close a person who died was, from their ring and relationship; `Unknown` without one.
/// The ring is the patient's felt closeness and leads; the relationship lifts close family
/// (partner, parent, child, sibling) and lowers ties that are usually not intimate (colleague,
/// neighbour, professional). The cut points are our own reading of the reference, not a
/// published scale.
pub fn loss_closeness(person: Option<&InventoryPerson>) -> LossCloseness {
    let Some(p) = person else {
        return LossCloseness::Unknown;
    };
    let close_family = matches!(
        p.relationship,
        RelationshipKind::Partner
            | RelationshipKind::Parent
            | RelationshipKind::Child
            | RelationshipKind::Sibling
    );
    let distant_tie = matches!(
        p.relationship,
        RelationshipKind::Colleague | RelationshipKind::Neighbour | RelationshipKind::Professional
    );
    match p.ring {
        ClosenessRing::Inner => LossCloseness::Significant,
        ClosenessRing::Middle if distant_tie => LossCloseness::Moderate,
        ClosenessRing::Middle => LossCloseness::Significant,
        ClosenessRing::Outer if close_family => LossCloseness::Significant,
        ClosenessRing::Outer if distant_tie => LossCloseness::Distant,
        ClosenessRing::Outer => LossCloseness::Moderate,
        ClosenessRing::Outside if close_family => LossCloseness::Moderate,
        ClosenessRing::Outside => LossCloseness::Distant,
    }
}

/// The closeness in words, added to a grief reason: "(parent, inner ring: a significant
/// other)".
fn closeness_phrase(person: Option<&InventoryPerson>, closeness: LossCloseness) -> String {
    let verdict = match closeness {
        LossCloseness::Significant => "a significant other",
        LossCloseness::Moderate => "a less close tie, so the support is reduced",
        LossCloseness::Distant => {
            "not a close tie: IPT grief concerns a significant other, so the support is weak"
        }
        LossCloseness::Unknown => {
            "not in the inventory: add the person with their ring to judge how close they were"
        }
    };
    match person {
        Some(p) => format!(
            " ({}, {}: {verdict})",
            relationship_label(p.relationship),
            ring_label(p.ring)
        ),
        None => format!(" ({verdict})"),
    }
}

/// How much each kind of evidence weighs. The numbers only rank the areas against each other;
/// they are not a clinical scale. They are chosen so that a death near onset outranks a single
/// life change near onset, and a single life change outranks the residual default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Weights {
    /// A death on the timeline (→ grief), before the closeness of the person is weighed.
    pub death: TimingPoints,
    /// The share of a death's points (and of a deceased person's) kept for each closeness of
    /// the person who died, in percent.
    pub loss_percent: LossPercent,
    /// A life change on the timeline: move, job change, retirement, birth or pregnancy,
    /// illness, separation (→ role transition).
    pub life_change: TimingPoints,
    /// An "other" event counts as a life change, at this percentage of the weight, because its
    /// nature is unknown.
    pub other_event_percent: u32,
    /// A conflict event on the timeline (→ role dispute).
    pub conflict_event: TimingPoints,
    /// A separation on the timeline, read as a possible dissolved dispute (→ role dispute).
    pub separation_as_dispute: TimingPoints,
    /// An inventory person with open conflict.
    pub open_conflict: u32,
    /// An inventory person with hidden conflict.
    pub hidden_conflict: u32,
    /// Added to a conflict when the person is in the inner ring of the closeness circle.
    pub inner_ring_bonus: u32,
    /// Added to a conflict with a partner or a parent: the classic non-reciprocal role pairs.
    pub key_role_bonus: u32,
    /// Mutual expectations not met (non-reciprocal role expectations, §2.2).
    pub expectations_not_met: u32,
    /// A person marked deceased whose death is not on the timeline (→ grief, weakly).
    pub deceased_without_date: u32,
    /// The clinician tagged an inventory person with an area.
    pub clinician_tag: u32,
    /// Nothing on the timeline near onset (→ interpersonal deficits, the residual area).
    pub residual: u32,
    /// The residual area when no onset is recorded: it cannot be ruled out, nor supported.
    pub residual_without_onset: u32,
    /// Inventory and timeline are both empty: deficits only as a placeholder.
    pub nothing_recorded: u32,
    /// Few people in the closeness circle.
    pub few_people: u32,
    /// Nobody in the inner ring.
    pub empty_inner_ring: u32,
    /// No confidant among the living people in the inventory.
    pub no_confidant: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            death: TimingPoints {
                near: 70,
                recent: 35,
                long_before: 15,
                after_onset: 20,
                onset_unknown: 35,
            },
            life_change: TimingPoints {
                near: 50,
                recent: 25,
                long_before: 0,
                after_onset: 10,
                onset_unknown: 25,
            },
            loss_percent: LossPercent {
                significant: 100,
                moderate: 50,
                distant: 15,
                unknown: 50,
            },
            other_event_percent: 50,
            conflict_event: TimingPoints {
                near: 30,
                recent: 15,
                long_before: 5,
                after_onset: 10,
                onset_unknown: 15,
            },
            separation_as_dispute: TimingPoints {
                near: 20,
                recent: 10,
                long_before: 0,
                after_onset: 10,
                onset_unknown: 10,
            },
            open_conflict: 25,
            hidden_conflict: 20,
            inner_ring_bonus: 10,
            key_role_bonus: 5,
            expectations_not_met: 10,
            deceased_without_date: 10,
            clinician_tag: 10,
            residual: 30,
            residual_without_onset: 10,
            nothing_recorded: 10,
            few_people: 15,
            empty_inner_ring: 10,
            no_confidant: 10,
        }
    }
}

/// Every window, threshold and weight the rules use, in one place. `Default` holds the values
/// the project ships with; a deployment or a test may tune them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SuggestionRules {
    /// Deaths: "before or around onset" (reference §2 table). Twelve months matches the adult
    /// threshold for prolonged grief in DSM-5-TR (§2.1 differential), so a death within a year
    /// of onset is read as near; up to two years as recent, where prolonged grief is the
    /// question. Older deaths still count, weakly.
    pub grief: Window,
    /// Life changes and conflict events: "near onset" (reference §2 table, §3.4 "particular
    /// attention to changes near onset"). Six months counts as near, twelve as recent.
    pub change: Window,
    /// Approximate dates blur the order of events: an event up to this many months after onset
    /// is still read as "around onset".
    pub after_onset_slack_months: i32,
    /// The residual rule (reference §2: deficits when no grief, dispute or transition explains
    /// the episode) applies when no life event of any kind lies within this many months before
    /// onset (or within the slack after it).
    pub residual_lookback_months: i32,
    /// A closeness circle with this many living people or fewer counts as thin (§2.4: "few or
    /// thin relationships"). An inventory that *records* only this many living people is read
    /// as possibly unfinished instead: it is not evidence of isolation, so the network rules
    /// wait until more people are recorded.
    pub few_people_max: usize,
    /// The top two areas are flagged as ambiguous when the second scores at least this
    /// percentage of the first.
    pub ambiguity_percent: u32,
    /// A suggestion is strong from this score.
    pub strong_from: u32,
    /// A suggestion is moderate from this score; below it, weak.
    pub moderate_from: u32,
    pub weights: Weights,
}

impl Default for SuggestionRules {
    fn default() -> Self {
        Self {
            grief: Window {
                near_months: 12,
                recent_months: 24,
            },
            change: Window {
                near_months: 6,
                recent_months: 12,
            },
            after_onset_slack_months: 1,
            residual_lookback_months: 12,
            few_people_max: 2,
            ambiguity_percent: 80,
            strong_from: 50,
            moderate_from: 25,
            weights: Weights::default(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Output types
// ---------------------------------------------------------------------------------------------

/// Where an event falls relative to the onset of the current episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "timing", rename_all = "snake_case")]
pub enum Timing {
    /// Within the near window before onset, or within the slack after it. `months_before` is
    /// negative for an event just after onset.
    NearOnset { months_before: i32 },
    /// Before onset, past the near window but within the recent window.
    Recent { months_before: i32 },
    /// Before onset, beyond the recent window.
    LongBefore { months_before: i32 },
    /// After onset, past the slack: it may keep the episode going (§2: "onset or
    /// maintenance"), but it did not start it.
    AfterOnset { months_after: i32 },
    /// No onset is recorded, so the event cannot be placed against it.
    OnsetUnknown,
}

impl Timing {
    /// Place an event date against onset, using one family's window.
    pub fn classify(
        date: ApproxDate,
        onset: Option<ApproxDate>,
        window: Window,
        after_onset_slack_months: i32,
    ) -> Self {
        let Some(onset) = onset else {
            return Self::OnsetUnknown;
        };
        let months_before = date.months_until(&onset);
        if months_before < -after_onset_slack_months {
            Self::AfterOnset {
                months_after: -months_before,
            }
        } else if months_before <= window.near_months {
            Self::NearOnset { months_before }
        } else if months_before <= window.recent_months {
            Self::Recent { months_before }
        } else {
            Self::LongBefore { months_before }
        }
    }
}

/// How well the evidence supports an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    Weak,
    Moderate,
    Strong,
}

impl Strength {
    pub fn of(score: u32, rules: &SuggestionRules) -> Self {
        if score >= rules.strong_from {
            Self::Strong
        } else if score >= rules.moderate_from {
            Self::Moderate
        } else {
            Self::Weak
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Weak => "weak",
            Self::Moderate => "moderate",
            Self::Strong => "strong",
        }
    }
}

/// Which rule produced a reason: a stable code the web layer can translate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// A death on the timeline.
    Death,
    /// A person marked deceased, with no death on the timeline.
    DeceasedWithoutDate,
    /// Open or hidden conflict recorded on an inventory person.
    ConflictInInventory,
    /// Mutual expectations not met.
    ExpectationsNotMet,
    /// A conflict event on the timeline.
    ConflictEvent,
    /// A separation read as a possibly dissolved dispute.
    SeparationAsDispute,
    /// A life change on the timeline.
    LifeChange,
    /// The clinician tagged an inventory person with this area.
    ClinicianTag,
    /// No life event near onset: the residual area.
    NoEventNearOnset,
    /// No onset recorded: the residual area stays open.
    NoOnsetToCompare,
    /// Nothing is recorded yet.
    NothingRecorded,
    /// Few people in the closeness circle.
    FewPeopleInCircle,
    /// Nobody in the inner ring.
    EmptyInnerRing,
    /// No confidant.
    NoConfidant,
}

/// One piece of evidence for an area, with the records it rests on and a sentence that says
/// it in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    /// What this reason adds to the area's score.
    pub points: u32,
    /// The timeline event it rests on, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<TimelineEventId>,
    /// The inventory person it rests on, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<InventoryPersonId>,
    /// Where the event falls relative to onset, for event-based reasons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// For grief reasons: how close the person who died was, which scales the points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closeness: Option<LossCloseness>,
    /// A human sentence, e.g. "Death of 'Mother' (March 2026), 2 months before onset → Grief".
    pub text: String,
}

impl Reason {
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A stage the evidence hints at for a suggested role dispute. A hint only: the clinician
/// stages the dispute with the patient (reference §2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageHint {
    pub stage: DisputeStage,
    /// The person the dispute seems to be with.
    pub person: InventoryPersonId,
    pub text: String,
}

/// One suggested area, with its score and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub area: AreaKind,
    pub score: u32,
    pub strength: Strength,
    /// Strongest reason first.
    pub reasons: Vec<Reason>,
    /// For a role dispute only, when the evidence points to a stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage_hint: Option<StageHint>,
}

impl Suggestion {
    /// The sentences of the reasons, strongest first.
    pub fn reason_texts(&self) -> impl Iterator<Item = &str> {
        self.reasons.iter().map(Reason::text)
    }

    /// Whether any reason's text contains `fragment`.
    pub fn cites(&self, fragment: &str) -> bool {
        self.reason_texts().any(|t| t.contains(fragment))
    }
}

/// Something the clinician should know about the suggestions as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// No onset is recorded for the current episode.
    NoOnsetRecorded,
    /// The inventory (and perhaps the timeline) is empty.
    MoreInformationNeeded,
    /// The top two areas score close together.
    Ambiguous,
    /// Three or more areas have at least moderate support.
    ManyAreas,
    /// The inventory records only a few living people, which may be an unfinished inventory:
    /// the network is not read as evidence of interpersonal deficits.
    FewPeopleRecorded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    /// The areas the note is about (the two close ones, for `Ambiguous`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<AreaKind>,
    pub text: String,
}

/// The ranked suggestions for one course, highest score first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestions {
    /// The onset the rules measured from.
    pub onset: Option<ApproxDate>,
    pub ranked: Vec<Suggestion>,
    pub notes: Vec<Note>,
    /// Always [`DECISION_SUPPORT`]; carried so every rendering shows it.
    pub disclaimer: &'static str,
}

impl Suggestions {
    /// The highest-scoring suggestion.
    pub fn top(&self) -> Option<&Suggestion> {
        self.ranked.first()
    }

    /// The suggestion for one area, if the evidence supports it at all.
    pub fn get(&self, area: AreaKind) -> Option<&Suggestion> {
        self.ranked.iter().find(|s| s.area == area)
    }

    /// The suggested areas in rank order.
    pub fn areas(&self) -> Vec<AreaKind> {
        self.ranked.iter().map(|s| s.area).collect()
    }

    pub fn has_note(&self, kind: NoteKind) -> bool {
        self.notes.iter().any(|n| n.kind == kind)
    }

    pub fn note(&self, kind: NoteKind) -> Option<&Note> {
        self.notes.iter().find(|n| n.kind == kind)
    }

    pub fn is_ambiguous(&self) -> bool {
        self.has_note(NoteKind::Ambiguous)
    }

    /// The dispute stage hint, if a role dispute is suggested and the evidence allows one.
    pub fn stage_hint(&self) -> Option<&StageHint> {
        self.get(AreaKind::RoleDispute)?.stage_hint.as_ref()
    }
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/// Suggest problem areas with the default rules. `onset` defaults to the timeline's current
/// onset ([`Timeline::current_onset`]).
pub fn suggest(
    inventory: &[InventoryPerson],
    timeline: &Timeline,
    onset: Option<ApproxDate>,
) -> Suggestions {
    suggest_with(&SuggestionRules::default(), inventory, timeline, onset)
}

/// Suggest problem areas with explicit rules.
pub fn suggest_with(
    rules: &SuggestionRules,
    inventory: &[InventoryPerson],
    timeline: &Timeline,
    onset: Option<ApproxDate>,
) -> Suggestions {
    let onset = onset.or_else(|| timeline.current_onset());
    let evidence = Evidence::new(inventory, timeline, onset);

    let mut by_area: Vec<(AreaKind, Vec<Reason>)> = vec![
        (AreaKind::Grief, grief_reasons(rules, &evidence)),
        (AreaKind::RoleDispute, dispute_reasons(rules, &evidence)),
        (
            AreaKind::RoleTransition,
            transition_reasons(rules, &evidence),
        ),
        (
            AreaKind::InterpersonalDeficits,
            deficits_reasons(rules, &evidence),
        ),
    ];
    for (area, reason) in tag_reasons(rules, &evidence) {
        if let Some((_, reasons)) = by_area.iter_mut().find(|(a, _)| *a == area) {
            reasons.push(reason);
        }
    }

    // Interpersonal deficits is the residual area (reference §2 selection rules: used when no
    // grief, dispute or transition explains the episode). Once another area has at least
    // moderate support, the residual rules give way; only the clinician's own tag stays.
    let explained = by_area
        .iter()
        .filter(|(a, _)| *a != AreaKind::InterpersonalDeficits)
        .any(|(_, reasons)| reasons.iter().map(|r| r.points).sum::<u32>() >= rules.moderate_from);
    if explained
        && let Some((_, reasons)) = by_area
            .iter_mut()
            .find(|(a, _)| *a == AreaKind::InterpersonalDeficits)
    {
        reasons.retain(|r| r.kind == ReasonKind::ClinicianTag);
    }

    let mut ranked: Vec<Suggestion> = by_area
        .into_iter()
        .filter_map(|(area, mut reasons)| {
            reasons.retain(|r| r.points > 0);
            if reasons.is_empty() {
                return None;
            }
            // Stable: equal points keep the order the rule produced them in.
            reasons.sort_by_key(|r| std::cmp::Reverse(r.points));
            let score = reasons.iter().map(|r| r.points).sum();
            let stage_hint = if area == AreaKind::RoleDispute {
                dispute_stage_hint(&evidence, &reasons)
            } else {
                None
            };
            Some(Suggestion {
                area,
                score,
                strength: Strength::of(score, rules),
                reasons,
                stage_hint,
            })
        })
        .collect();
    // Stable sort: on a tie, areas keep the order of AreaKind::ALL.
    ranked.sort_by_key(|s| std::cmp::Reverse(s.score));

    let notes = notes(rules, &evidence, &ranked);
    Suggestions {
        onset,
        ranked,
        notes,
        disclaimer: DECISION_SUPPORT,
    }
}

// ---------------------------------------------------------------------------------------------
// Evidence: the inputs, indexed once
// ---------------------------------------------------------------------------------------------

struct Evidence<'a> {
    people: &'a [InventoryPerson],
    by_id: HashMap<InventoryPersonId, &'a InventoryPerson>,
    /// Events in chronological order.
    events: Vec<&'a TimelineEvent>,
    onset: Option<ApproxDate>,
}

impl<'a> Evidence<'a> {
    fn new(
        people: &'a [InventoryPerson],
        timeline: &'a Timeline,
        onset: Option<ApproxDate>,
    ) -> Self {
        Self {
            people,
            by_id: people.iter().map(|p| (p.id, p)).collect(),
            events: timeline.events_sorted(),
            onset,
        }
    }

    /// The inventory person an event names, if they are in the inventory.
    fn person_of(&self, event: &TimelineEvent) -> Option<&'a InventoryPerson> {
        event.person.and_then(|id| self.by_id.get(&id).copied())
    }

    fn events_of(&self, kind: EventKind) -> impl Iterator<Item = &'a TimelineEvent> + '_ {
        self.events.iter().copied().filter(move |e| e.kind == kind)
    }

    fn is_empty(&self) -> bool {
        self.people.is_empty() && self.events.is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------

/// Grief (reference §2 table, §2.1): the death of an important person before or around onset.
/// A death within the grief window is the strongest single signal the rules know, when the
/// person was a significant other: the points are scaled by [`loss_closeness`], so the death of
/// a mother in the inner ring is strong and that of an ex-colleague outside the circle weak,
/// and every reason says which ring and relationship it weighed. Older deaths still count,
/// weakly, because grief can be delayed, absent or prolonged (§2.1), and a death after onset
/// may keep the episode going. A person marked deceased whose death is not on the timeline is
/// mentioned so the clinician can add the date.
fn grief_reasons(rules: &SuggestionRules, ev: &Evidence) -> Vec<Reason> {
    let mut reasons = Vec::new();
    for event in ev.events_of(EventKind::Death) {
        let timing = Timing::classify(
            event.date,
            ev.onset,
            rules.grief,
            rules.after_onset_slack_months,
        );
        let person = ev.person_of(event);
        let closeness = loss_closeness(person);
        let comment = match timing {
            Timing::Recent { .. } => " (more than a year before onset: consider prolonged grief)",
            Timing::LongBefore { .. } => {
                " (long before onset: a weak link, though prolonged or complicated grief is still \
                 possible if mourning was delayed or absent)"
            }
            Timing::AfterOnset { .. } => " (after onset: it may be keeping the episode going)",
            Timing::NearOnset { .. } | Timing::OnsetUnknown => "",
        };
        reasons.push(Reason {
            kind: ReasonKind::Death,
            points: rules.weights.death.for_timing(timing) * closeness.percent(rules) / 100,
            event: Some(event.id),
            person: event.person,
            timing: Some(timing),
            closeness: Some(closeness),
            text: format!(
                "{}{}{}",
                event_sentence(event, person, timing, ev.onset, AreaKind::Grief),
                closeness_phrase(person, closeness),
                comment
            ),
        });
    }
    for p in ev.people.iter().filter(|p| p.deceased) {
        let has_death_event = ev
            .events_of(EventKind::Death)
            .any(|e| e.person == Some(p.id));
        if !has_death_event {
            let closeness = loss_closeness(Some(p));
            reasons.push(Reason {
                kind: ReasonKind::DeceasedWithoutDate,
                points: rules.weights.deceased_without_date * closeness.percent(rules) / 100,
                event: None,
                person: Some(p.id),
                timing: None,
                closeness: Some(closeness),
                text: format!(
                    "'{}' is marked as deceased, but the death is not on the timeline → Grief \
                     (add its date to judge the link to onset){}",
                    p.alias.as_str(),
                    closeness_phrase(Some(p), closeness)
                ),
            });
        }
    }
    reasons
}

/// Points for conflict recorded on an inventory person (reference §2 table: "open or hidden
/// conflict with a significant other"). Open conflict weighs a little more than hidden, because
/// it is plainer evidence; closeness (inner ring) and the partner and parent roles add to it.
pub fn conflict_points(rules: &SuggestionRules, person: &InventoryPerson) -> u32 {
    let w = &rules.weights;
    let base = match person.conflict {
        ConflictLevel::None => return 0,
        ConflictLevel::Hidden => w.hidden_conflict,
        ConflictLevel::Open => w.open_conflict,
    };
    let ring = if person.ring == ClosenessRing::Inner {
        w.inner_ring_bonus
    } else {
        0
    };
    let role = if matches!(
        person.relationship,
        RelationshipKind::Partner | RelationshipKind::Parent
    ) {
        w.key_role_bonus
    } else {
        0
    };
    base + ring + role
}

/// Role dispute (reference §2 table, §2.2): open or hidden conflict, non-reciprocal
/// expectations, conflict events on the timeline, and a separation read as a dispute that may
/// have reached dissolution.
fn dispute_reasons(rules: &SuggestionRules, ev: &Evidence) -> Vec<Reason> {
    let w = &rules.weights;
    let mut reasons = Vec::new();
    for p in ev.people.iter().filter(|p| !p.deceased) {
        let points = conflict_points(rules, p);
        if points > 0 {
            let level = match p.conflict {
                ConflictLevel::Hidden => "Hidden",
                _ => "Open",
            };
            reasons.push(Reason {
                kind: ReasonKind::ConflictInInventory,
                points,
                event: None,
                person: Some(p.id),
                timing: None,
                closeness: None,
                text: format!(
                    "{level} conflict with '{}' ({}, {}) → Role dispute",
                    p.alias.as_str(),
                    relationship_label(p.relationship),
                    ring_label(p.ring)
                ),
            });
        }
        if p.reciprocity == Reciprocity::NotMet {
            reasons.push(Reason {
                kind: ReasonKind::ExpectationsNotMet,
                points: w.expectations_not_met,
                event: None,
                person: Some(p.id),
                timing: None,
                closeness: None,
                text: format!(
                    "Expectations between the patient and '{}' are not met → Role dispute",
                    p.alias.as_str()
                ),
            });
        }
    }
    for event in ev.events_of(EventKind::Conflict) {
        let timing = Timing::classify(
            event.date,
            ev.onset,
            rules.change,
            rules.after_onset_slack_months,
        );
        reasons.push(Reason {
            kind: ReasonKind::ConflictEvent,
            points: w.conflict_event.for_timing(timing),
            event: Some(event.id),
            person: event.person,
            timing: Some(timing),
            closeness: None,
            text: event_sentence(
                event,
                ev.person_of(event),
                timing,
                ev.onset,
                AreaKind::RoleDispute,
            ),
        });
    }
    for event in ev.events_of(EventKind::Separation) {
        let timing = Timing::classify(
            event.date,
            ev.onset,
            rules.change,
            rules.after_onset_slack_months,
        );
        reasons.push(Reason {
            kind: ReasonKind::SeparationAsDispute,
            points: w.separation_as_dispute.for_timing(timing),
            event: Some(event.id),
            person: event.person,
            timing: Some(timing),
            closeness: None,
            text: format!(
                "{} (the relationship may have reached dissolution)",
                event_sentence(
                    event,
                    ev.person_of(event),
                    timing,
                    ev.onset,
                    AreaKind::RoleDispute
                )
            ),
        });
    }
    reasons
}

/// The share of a life change's weight an event kind carries toward role transition, in
/// percent; `None` for kinds that are not life changes. Reference §2.3 lists the changes:
/// employment, relationship status, health, housing, parenthood. "Other" counts at a reduced
/// weight because its nature is unknown.
pub fn life_change_percent(rules: &SuggestionRules, kind: EventKind) -> Option<u32> {
    match kind {
        EventKind::Move
        | EventKind::JobChange
        | EventKind::Retirement
        | EventKind::BirthOrPregnancy
        | EventKind::Illness
        | EventKind::Separation => Some(100),
        EventKind::Other => Some(rules.weights.other_event_percent),
        EventKind::Death | EventKind::Conflict => None,
    }
}

/// Role transition (reference §2 table, §2.3): a life change near onset, even one that looks
/// positive, such as a birth or a wanted move.
fn transition_reasons(rules: &SuggestionRules, ev: &Evidence) -> Vec<Reason> {
    let mut reasons = Vec::new();
    for &event in &ev.events {
        let Some(percent) = life_change_percent(rules, event.kind) else {
            continue;
        };
        let timing = Timing::classify(
            event.date,
            ev.onset,
            rules.change,
            rules.after_onset_slack_months,
        );
        let points = rules.weights.life_change.for_timing(timing) * percent / 100;
        let comment = match timing {
            Timing::AfterOnset { .. } => " (after onset: it may be keeping the episode going)",
            _ => "",
        };
        reasons.push(Reason {
            kind: ReasonKind::LifeChange,
            points,
            event: Some(event.id),
            person: event.person,
            timing: Some(timing),
            closeness: None,
            text: format!(
                "{}{}",
                event_sentence(
                    event,
                    ev.person_of(event),
                    timing,
                    ev.onset,
                    AreaKind::RoleTransition
                ),
                comment
            ),
        });
    }
    reasons
}

/// Whether any life event of any kind lies near onset for the residual rule: within
/// `residual_lookback_months` before onset or the slack after it. `None` without an onset.
pub fn any_event_near_onset<'e>(
    rules: &SuggestionRules,
    events: impl IntoIterator<Item = &'e TimelineEvent>,
    onset: Option<ApproxDate>,
) -> Option<bool> {
    let onset = onset?;
    Some(events.into_iter().any(|e| {
        let months_before = e.date.months_until(&onset);
        (-rules.after_onset_slack_months..=rules.residual_lookback_months).contains(&months_before)
    }))
}

/// Interpersonal deficits (reference §2 selection rules, §2.4): the residual area when no
/// grief, dispute or transition explains the episode, so it appears when nothing is recorded
/// near onset; [`suggest_with`] drops these reasons when another area has moderate support. A
/// thin network (few people in the circle, nobody in the inner ring, no confidant) adds to it.
/// An inventory that records only a few people is missing information, not evidence of a thin
/// network, so the network rules are skipped until it records more than `few_people_max`
/// living people (a note says so).
fn deficits_reasons(rules: &SuggestionRules, ev: &Evidence) -> Vec<Reason> {
    let w = &rules.weights;
    let mut reasons = Vec::new();
    let plain = |kind, points, text: String| Reason {
        kind,
        points,
        event: None,
        person: None,
        timing: None,
        closeness: None,
        text,
    };

    if ev.is_empty() {
        reasons.push(plain(
            ReasonKind::NothingRecorded,
            w.nothing_recorded,
            "Nothing is recorded in the inventory or timeline yet → Interpersonal deficits, \
             only as the default until more is known"
                .to_string(),
        ));
        return reasons;
    }

    match ev.onset {
        None => reasons.push(plain(
            ReasonKind::NoOnsetToCompare,
            w.residual_without_onset,
            "No onset recorded, so no event can be tied to the episode → Interpersonal deficits \
             stays open as the residual area"
                .to_string(),
        )),
        Some(onset) => {
            if any_event_near_onset(rules, ev.events.iter().copied(), Some(onset)) == Some(false) {
                reasons.push(plain(
                    ReasonKind::NoEventNearOnset,
                    w.residual,
                    format!(
                        "No life event recorded in the {} months before onset ({}) → \
                         Interpersonal deficits, the residual area when no grief, dispute or \
                         transition explains the episode",
                        rules.residual_lookback_months,
                        onset.human()
                    ),
                ));
            }
        }
    }

    if inventory_is_large_enough(rules, ev) {
        let net = NetworkIndices::of_people(ev.people);
        if net.in_circle <= rules.few_people_max {
            let text = match net.in_circle {
                0 => {
                    "Nobody is placed in the closeness circle → Interpersonal deficits".to_string()
                }
                1 => "Only 1 person in the closeness circle → Interpersonal deficits".to_string(),
                n => format!("Only {n} people in the closeness circle → Interpersonal deficits"),
            };
            reasons.push(plain(ReasonKind::FewPeopleInCircle, w.few_people, text));
        }
        if net.inner_ring == 0 {
            reasons.push(plain(
                ReasonKind::EmptyInnerRing,
                w.empty_inner_ring,
                "Nobody in the inner ring of the closeness circle → Interpersonal deficits"
                    .to_string(),
            ));
        }
        if !net.confidant_present {
            reasons.push(plain(
                ReasonKind::NoConfidant,
                w.no_confidant,
                "No confidant among the living people in the inventory → Interpersonal deficits"
                    .to_string(),
            ));
        }
    }
    reasons
}

/// The living people the inventory records.
fn living_recorded(ev: &Evidence) -> usize {
    ev.people.iter().filter(|p| !p.deceased).count()
}

/// Whether the inventory records enough living people for its shape to say anything about
/// the patient's network: more than `few_people_max`.
fn inventory_is_large_enough(rules: &SuggestionRules, ev: &Evidence) -> bool {
    living_recorded(ev) > rules.few_people_max
}

/// The clinician's own area tags on inventory people (reference §3.2: "candidate problem-area
/// tag(s)") count as supporting reasons for the tagged areas.
fn tag_reasons(rules: &SuggestionRules, ev: &Evidence) -> Vec<(AreaKind, Reason)> {
    let mut out = Vec::new();
    for p in ev.people {
        let mut seen = Vec::new();
        for &area in &p.area_tags {
            if seen.contains(&area) {
                continue;
            }
            seen.push(area);
            out.push((
                area,
                Reason {
                    kind: ReasonKind::ClinicianTag,
                    points: rules.weights.clinician_tag,
                    event: None,
                    person: Some(p.id),
                    timing: None,
                    closeness: None,
                    text: format!(
                        "The clinician tagged '{}' with this area → {}",
                        p.alias.as_str(),
                        area.label()
                    ),
                },
            ));
        }
    }
    out
}

/// A stage hint for a suggested dispute (reference §2.2), from the person the dispute evidence
/// weighs most on: a separation from them hints at dissolution, open conflict at renegotiation
/// (both still trying), hidden conflict at impasse (talking has stopped). People whose evidence
/// says nothing about the stage are passed over for the next one.
fn dispute_stage_hint(ev: &Evidence, reasons: &[Reason]) -> Option<StageHint> {
    let mut per_person: Vec<(InventoryPersonId, u32)> = Vec::new();
    for r in reasons {
        let Some(id) = r.person else { continue };
        match per_person.iter_mut().find(|(p, _)| *p == id) {
            Some((_, pts)) => *pts += r.points,
            None => per_person.push((id, r.points)),
        }
    }
    per_person.sort_by_key(|(_, points)| std::cmp::Reverse(*points));

    per_person.into_iter().find_map(|(id, _)| {
        let person = ev.by_id.get(&id)?;
        let alias = person.alias.as_str();
        let separated = ev
            .events_of(EventKind::Separation)
            .any(|e| e.person == Some(id));
        let (stage, why) = if separated {
            (
                DisputeStage::Dissolution,
                format!(
                    "Separation from '{alias}': dissolution is a candidate stage (the \
                     relationship may be over)"
                ),
            )
        } else {
            match person.conflict {
                ConflictLevel::Open => (
                    DisputeStage::Renegotiation,
                    format!(
                        "Open conflict with '{alias}': renegotiation is a candidate stage (both \
                         still trying to settle it)"
                    ),
                ),
                ConflictLevel::Hidden => (
                    DisputeStage::Impasse,
                    format!(
                        "Hidden conflict with '{alias}': impasse is a candidate stage (talking \
                         has stopped)"
                    ),
                ),
                ConflictLevel::None => return None,
            }
        };
        Some(StageHint {
            stage,
            person: id,
            text: format!("{why}. A hint only: stage the dispute with the patient."),
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Notes
// ---------------------------------------------------------------------------------------------

/// Whether the top two scores are close enough to call the result ambiguous.
pub fn is_close(rules: &SuggestionRules, first: u32, second: u32) -> bool {
    first > 0 && second * 100 >= first * rules.ambiguity_percent
}

fn notes(rules: &SuggestionRules, ev: &Evidence, ranked: &[Suggestion]) -> Vec<Note> {
    let mut notes = Vec::new();
    if ev.onset.is_none() {
        notes.push(Note {
            kind: NoteKind::NoOnsetRecorded,
            areas: vec![],
            text: "No onset is recorded for the current episode, so events cannot be linked to \
                   it and every suggestion is weaker. Add the onset to the timeline."
                .to_string(),
        });
    }
    if ev.people.is_empty() {
        let text = if ev.events.is_empty() {
            "The inventory and timeline are empty. More information is needed: complete the \
             interpersonal inventory and timeline before choosing an area."
        } else {
            "Nobody is in the interpersonal inventory yet. More information is needed: \
             complete it before choosing an area."
        };
        notes.push(Note {
            kind: NoteKind::MoreInformationNeeded,
            areas: vec![],
            text: text.to_string(),
        });
    }
    let recorded = living_recorded(ev);
    if !ev.people.is_empty() && !inventory_is_large_enough(rules, ev) {
        let people = match recorded {
            0 => "no living person".to_string(),
            1 => "1 living person".to_string(),
            n => format!("{n} living people"),
        };
        notes.push(Note {
            kind: NoteKind::FewPeopleRecorded,
            areas: vec![],
            text: format!(
                "The inventory records {people} so far. That may be an unfinished inventory \
                 rather than isolation, so the rules do not read it as a thin network. Add the \
                 other important people, or tag the relationship with interpersonal deficits \
                 if the network really is this small."
            ),
        });
    }
    if let [first, second, ..] = ranked
        && is_close(rules, first.score, second.score)
    {
        notes.push(Note {
            kind: NoteKind::Ambiguous,
            areas: vec![first.area, second.area],
            text: format!(
                "{} ({}) and {} ({}) score close together, so the rules cannot separate them. \
                 The clinician chooses, with the patient: disputes and transitions often \
                 co-occur, and where two areas fit, choose the one the patient finds most \
                 important.",
                first.area.label(),
                first.score,
                second.area.label(),
                second.score
            ),
        });
    }
    let supported: Vec<AreaKind> = ranked
        .iter()
        .filter(|s| s.strength >= Strength::Moderate)
        .map(|s| s.area)
        .collect();
    if supported.len() >= 3 {
        notes.push(Note {
            kind: NoteKind::ManyAreas,
            areas: supported,
            text: "Three or more areas have support. IPT works on one area, at most two: choose \
                   by the link to onset and by what matters most to the patient."
                .to_string(),
        });
    }
    notes
}

// ---------------------------------------------------------------------------------------------
// Sentences
// ---------------------------------------------------------------------------------------------

/// The longest event description quoted in a reason.
const MAX_DESCRIPTION_CHARS: usize = 80;

/// Who or what an event is about: the person's alias when the event names an inventory person,
/// else the clinician's description, else the kind label.
fn event_subject(event: &TimelineEvent, person: Option<&InventoryPerson>) -> String {
    if let Some(p) = person {
        let alias = p.alias.as_str();
        return match event.kind {
            EventKind::Death => format!("Death of '{alias}'"),
            EventKind::Separation => format!("Separation from '{alias}'"),
            EventKind::Conflict => format!("Conflict with '{alias}'"),
            EventKind::Illness => format!("Illness of '{alias}'"),
            other => format!("{} ('{alias}')", other.label()),
        };
    }
    let description = event.description.trim();
    if description.is_empty() {
        event.kind.label().to_string()
    } else {
        format!(
            "{}: {}",
            event.kind.label(),
            shorten(description, MAX_DESCRIPTION_CHARS)
        )
    }
}

fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// How far from onset, in words: "2 months before onset", "around onset", "1 month after
/// onset", "about 11 years before onset". `approximate` adds "about" when a date is known only
/// to the year.
pub fn distance_phrase(months_before: i32, approximate: bool) -> String {
    let about = if approximate { "about " } else { "" };
    let n = months_before.unsigned_abs();
    let side = if months_before > 0 { "before" } else { "after" };
    match n {
        0 => "around onset".to_string(),
        1 => format!("{about}1 month {side} onset"),
        2..=23 => format!("{about}{n} months {side} onset"),
        _ => {
            let years = (n + 6) / 12;
            format!("about {years} years {side} onset")
        }
    }
}

/// "Death of 'Mother' (March 2026), 2 months before onset → Grief".
fn event_sentence(
    event: &TimelineEvent,
    person: Option<&InventoryPerson>,
    timing: Timing,
    onset: Option<ApproxDate>,
    area: AreaKind,
) -> String {
    let subject = event_subject(event, person);
    let date = event.date.human();
    match onset {
        None => format!("{subject} ({date}); onset not recorded → {}", area.label()),
        Some(onset) => {
            let months_before = match timing {
                Timing::NearOnset { months_before }
                | Timing::Recent { months_before }
                | Timing::LongBefore { months_before } => months_before,
                Timing::AfterOnset { months_after } => -months_after,
                Timing::OnsetUnknown => event.date.months_until(&onset),
            };
            let approximate = event.date.precision() == DatePrecision::Year
                || onset.precision() == DatePrecision::Year;
            format!(
                "{subject} ({date}), {} → {}",
                distance_phrase(months_before, approximate),
                area.label()
            )
        }
    }
}

fn relationship_label(kind: RelationshipKind) -> &'static str {
    match kind {
        RelationshipKind::Partner => "partner",
        RelationshipKind::ExPartner => "ex-partner",
        RelationshipKind::Parent => "parent",
        RelationshipKind::Child => "child",
        RelationshipKind::Sibling => "sibling",
        RelationshipKind::OtherFamily => "family",
        RelationshipKind::Friend => "friend",
        RelationshipKind::Colleague => "colleague",
        RelationshipKind::Neighbour => "neighbour",
        RelationshipKind::Professional => "professional",
        RelationshipKind::Other => "other relationship",
    }
}

fn ring_label(ring: ClosenessRing) -> &'static str {
    match ring {
        ClosenessRing::Inner => "inner ring",
        ClosenessRing::Middle => "middle ring",
        ClosenessRing::Outer => "outer ring",
        ClosenessRing::Outside => "outside the circle",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Alias, InventoryNotes};
    use uuid::Uuid;

    fn date(s: &str) -> ApproxDate {
        s.parse().unwrap()
    }

    fn person(
        n: u128,
        alias: &str,
        relationship: RelationshipKind,
        ring: ClosenessRing,
    ) -> InventoryPerson {
        InventoryPerson {
            id: InventoryPersonId::from_uuid(Uuid::from_u128(n)),
            alias: Alias::parse(alias).unwrap(),
            relationship,
            ring,
            contact_frequency: String::new(),
            confidant: false,
            practical_support: false,
            conflict: ConflictLevel::None,
            reciprocity: Reciprocity::Unknown,
            deceased: false,
            area_tags: vec![],
            self_expression: None,
            notes: InventoryNotes::default(),
            version: 1,
        }
    }

    fn event(
        n: u128,
        when: &str,
        kind: EventKind,
        person: Option<InventoryPersonId>,
        description: &str,
    ) -> TimelineEvent {
        TimelineEvent {
            id: TimelineEventId::from_uuid(Uuid::from_u128(1000 + n)),
            date: date(when),
            kind,
            person,
            description: description.to_string(),
            version: 1,
        }
    }

    #[test]
    fn timing_uses_the_window_and_the_slack() {
        let w = SuggestionRules::default().change;
        let onset = Some(date("2026-05"));
        let t = |d: &str| Timing::classify(date(d), onset, w, 1);
        assert_eq!(t("2026-03"), Timing::NearOnset { months_before: 2 });
        assert_eq!(t("2026-06"), Timing::NearOnset { months_before: -1 });
        assert_eq!(t("2026-08"), Timing::AfterOnset { months_after: 3 });
        assert_eq!(t("2025-11"), Timing::NearOnset { months_before: 6 });
        assert_eq!(t("2025-09"), Timing::Recent { months_before: 8 });
        assert_eq!(t("2024-01"), Timing::LongBefore { months_before: 28 });
        assert_eq!(
            Timing::classify(date("2026-03"), None, w, 1),
            Timing::OnsetUnknown
        );
    }

    #[test]
    fn timing_points_follow_the_timing() {
        let p = Weights::default().death;
        assert_eq!(p.for_timing(Timing::NearOnset { months_before: 2 }), p.near);
        assert_eq!(
            p.for_timing(Timing::LongBefore { months_before: 100 }),
            p.long_before
        );
        assert_eq!(p.for_timing(Timing::OnsetUnknown), p.onset_unknown);
    }

    #[test]
    fn default_weights_keep_the_intended_order() {
        let w = Weights::default();
        let r = SuggestionRules::default();
        // A death near onset outranks one life change, which outranks the residual default.
        assert!(w.death.near > w.life_change.near);
        assert!(w.life_change.near > w.residual);
        // A near death is strong on its own; an old one never is.
        assert_eq!(Strength::of(w.death.near, &r), Strength::Strong);
        assert_eq!(Strength::of(w.death.long_before, &r), Strength::Weak);
        // The residual default alone is only moderate.
        assert_eq!(Strength::of(w.residual, &r), Strength::Moderate);
    }

    #[test]
    fn strength_thresholds() {
        let r = SuggestionRules::default();
        assert_eq!(Strength::of(0, &r), Strength::Weak);
        assert_eq!(Strength::of(24, &r), Strength::Weak);
        assert_eq!(Strength::of(25, &r), Strength::Moderate);
        assert_eq!(Strength::of(49, &r), Strength::Moderate);
        assert_eq!(Strength::of(50, &r), Strength::Strong);
    }

    #[test]
    fn conflict_points_rise_with_closeness_and_key_roles() {
        let r = SuggestionRules::default();
        let mut p = person(1, "Marco", RelationshipKind::Partner, ClosenessRing::Inner);
        assert_eq!(conflict_points(&r, &p), 0, "no conflict, no points");
        p.conflict = ConflictLevel::Open;
        assert_eq!(conflict_points(&r, &p), 25 + 10 + 5);
        p.conflict = ConflictLevel::Hidden;
        assert_eq!(conflict_points(&r, &p), 20 + 10 + 5);
        let mut friend = person(2, "Sara", RelationshipKind::Friend, ClosenessRing::Outer);
        friend.conflict = ConflictLevel::Open;
        assert_eq!(conflict_points(&r, &friend), 25);
        assert!(conflict_points(&r, &p) > conflict_points(&r, &friend));
    }

    #[test]
    fn life_changes_and_their_shares() {
        let r = SuggestionRules::default();
        assert_eq!(life_change_percent(&r, EventKind::Move), Some(100));
        assert_eq!(life_change_percent(&r, EventKind::Separation), Some(100));
        assert_eq!(life_change_percent(&r, EventKind::Other), Some(50));
        assert_eq!(life_change_percent(&r, EventKind::Death), None);
        assert_eq!(life_change_percent(&r, EventKind::Conflict), None);
    }

    #[test]
    fn closeness_of_scores() {
        let r = SuggestionRules::default();
        assert!(is_close(&r, 55, 50));
        assert!(is_close(&r, 50, 40));
        assert!(!is_close(&r, 70, 50));
        assert!(!is_close(&r, 0, 0));
    }

    #[test]
    fn distance_phrases() {
        assert_eq!(distance_phrase(2, false), "2 months before onset");
        assert_eq!(distance_phrase(1, false), "1 month before onset");
        assert_eq!(distance_phrase(0, false), "around onset");
        assert_eq!(distance_phrase(-1, false), "1 month after onset");
        assert_eq!(distance_phrase(10, true), "about 10 months before onset");
        assert_eq!(distance_phrase(129, true), "about 11 years before onset");
        assert_eq!(distance_phrase(30, false), "about 3 years before onset");
    }

    #[test]
    fn residual_window_sees_any_event_near_onset() {
        let r = SuggestionRules::default();
        let onset = Some(date("2026-05"));
        let near = [event(1, "2025-08", EventKind::Other, None, "")];
        let far = [event(2, "2024-01", EventKind::Move, None, "")];
        let after = [event(3, "2026-09", EventKind::Move, None, "")];
        assert_eq!(any_event_near_onset(&r, &near, onset), Some(true));
        assert_eq!(any_event_near_onset(&r, &far, onset), Some(false));
        assert_eq!(any_event_near_onset(&r, &after, onset), Some(false));
        assert_eq!(any_event_near_onset(&r, &near, None), None);
    }

    #[test]
    fn subjects_prefer_the_alias_then_the_description_then_the_kind() {
        let mother = person(1, "Mother", RelationshipKind::Parent, ClosenessRing::Inner);
        let e = event(
            1,
            "2026-03",
            EventKind::Death,
            Some(mother.id),
            "died in hospital",
        );
        assert_eq!(event_subject(&e, Some(&mother)), "Death of 'Mother'");
        let e = event(2, "2026-03", EventKind::JobChange, None, "  laid off  ");
        assert_eq!(event_subject(&e, None), "Job change: laid off");
        let e = event(3, "2026-03", EventKind::Move, None, "");
        assert_eq!(event_subject(&e, None), "Move");
        let long = "x".repeat(200);
        let e = event(4, "2026-03", EventKind::Other, None, &long);
        assert_eq!(
            event_subject(&e, None).chars().count(),
            "Other event: ".len() + MAX_DESCRIPTION_CHARS
        );
    }

    #[test]
    fn the_reference_sentence() {
        let mother = person(1, "Mother", RelationshipKind::Parent, ClosenessRing::Inner);
        let e = event(1, "2026-03", EventKind::Death, Some(mother.id), "");
        let onset = Some(date("2026-05"));
        let t = Timing::classify(e.date, onset, SuggestionRules::default().grief, 1);
        assert_eq!(
            event_sentence(&e, Some(&mother), t, onset, AreaKind::Grief),
            "Death of 'Mother' (March 2026), 2 months before onset → Grief"
        );
    }

    #[test]
    fn each_point_has_a_reason_and_scores_add_up() {
        let mut marco = person(1, "Marco", RelationshipKind::Partner, ClosenessRing::Inner);
        marco.conflict = ConflictLevel::Open;
        marco.reciprocity = Reciprocity::NotMet;
        marco.area_tags = vec![AreaKind::RoleDispute, AreaKind::RoleDispute];
        let timeline = Timeline {
            events: vec![event(1, "2026-02", EventKind::Conflict, Some(marco.id), "")],
            episodes: vec![],
        };
        let s = suggest(&[marco], &timeline, Some(date("2026-04")));
        for sug in &s.ranked {
            assert_eq!(sug.score, sug.reasons.iter().map(|r| r.points).sum::<u32>());
            assert!(sug.reasons.iter().all(|r| r.points > 0));
            assert!(sug.reasons.windows(2).all(|w| w[0].points >= w[1].points));
        }
        let d = s.get(AreaKind::RoleDispute).unwrap();
        assert_eq!(d.score, 40 + 10 + 30 + 10, "a duplicated tag counts once");
    }

    #[test]
    fn output_serialises_with_codes() {
        let mother = person(1, "Mother", RelationshipKind::Parent, ClosenessRing::Inner);
        let timeline = Timeline {
            events: vec![event(1, "2026-03", EventKind::Death, Some(mother.id), "")],
            episodes: vec![],
        };
        let s = suggest(&[mother], &timeline, Some(date("2026-05")));
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["onset"], "2026-05");
        assert_eq!(json["ranked"][0]["area"], "grief");
        assert_eq!(json["ranked"][0]["strength"], "strong");
        assert_eq!(json["ranked"][0]["reasons"][0]["kind"], "death");
        assert_eq!(
            json["ranked"][0]["reasons"][0]["timing"]["timing"],
            "near_onset"
        );
        assert_eq!(
            json["ranked"][0]["reasons"][0]["timing"]["months_before"],
            2
        );
        assert!(json["disclaimer"].as_str().unwrap().contains("clinician"));
    }
}
