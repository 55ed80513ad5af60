//! The interpersonal inventory: the important people in the patient's life, past and present,
//! each placed on the closeness circle (reference §3.2, §3.3).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::{InventoryPersonId, SnapshotId};
use crate::input::{self, Refusals};
use crate::problem_area::AreaKind;
use crate::rule::{Code, FieldError};

/// Where a person sits on the closeness circle: ring 1 is the closest. Three rings are the
/// common template (reference §3.3); people who matter but are not felt as close sit outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum ClosenessRing {
    Inner,
    Middle,
    Outer,
    Outside,
}

impl ClosenessRing {
    pub const ALL: [ClosenessRing; 4] = [Self::Inner, Self::Middle, Self::Outer, Self::Outside];

    /// 1 = innermost … 3; 0 = outside the circle.
    pub fn number(self) -> u8 {
        match self {
            Self::Inner => 1,
            Self::Middle => 2,
            Self::Outer => 3,
            Self::Outside => 0,
        }
    }

    pub fn new(n: u8) -> Result<Self, InventoryError> {
        match n {
            1 => Ok(Self::Inner),
            2 => Ok(Self::Middle),
            3 => Ok(Self::Outer),
            0 => Ok(Self::Outside),
            other => Err(InventoryError::BadRing(other)),
        }
    }

    pub fn is_in_circle(self) -> bool {
        self != Self::Outside
    }
}

impl TryFrom<u8> for ClosenessRing {
    type Error = InventoryError;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

impl From<ClosenessRing> for u8 {
    fn from(r: ClosenessRing) -> u8 {
        r.number()
    }
}

/// The kind of relationship, for grouping and for suggestion rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipKind {
    Partner,
    ExPartner,
    Parent,
    Child,
    Sibling,
    OtherFamily,
    Friend,
    Colleague,
    Neighbour,
    Professional,
    Other,
}

impl RelationshipKind {
    pub const ALL: [RelationshipKind; 11] = [
        Self::Partner,
        Self::ExPartner,
        Self::Parent,
        Self::Child,
        Self::Sibling,
        Self::OtherFamily,
        Self::Friend,
        Self::Colleague,
        Self::Neighbour,
        Self::Professional,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Partner => "partner",
            Self::ExPartner => "ex_partner",
            Self::Parent => "parent",
            Self::Child => "child",
            Self::Sibling => "sibling",
            Self::OtherFamily => "other_family",
            Self::Friend => "friend",
            Self::Colleague => "colleague",
            Self::Neighbour => "neighbour",
            Self::Professional => "professional",
            Self::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Result<Self, InventoryError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code.trim())
            .ok_or_else(|| InventoryError::UnknownRelationship(code.to_string()))
    }
}

/// Whether a relationship currently carries conflict (reference §3.2: "conflicts, open or
/// hidden").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ConflictLevel {
    #[default]
    None,
    Hidden,
    Open,
}

impl ConflictLevel {
    pub const ALL: [ConflictLevel; 3] = [Self::None, Self::Hidden, Self::Open];
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Hidden => "hidden",
            Self::Open => "open",
        }
    }
    pub fn parse(code: &str) -> Result<Self, InventoryError> {
        match code.trim() {
            "none" | "" => Ok(Self::None),
            "hidden" => Ok(Self::Hidden),
            "open" => Ok(Self::Open),
            other => Err(InventoryError::UnknownConflict(other.to_string())),
        }
    }
}

/// Whether mutual expectations are met (reciprocity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Reciprocity {
    #[default]
    Unknown,
    Met,
    PartlyMet,
    NotMet,
}

impl Reciprocity {
    pub const ALL: [Reciprocity; 4] = [Self::Unknown, Self::Met, Self::PartlyMet, Self::NotMet];
}

/// A person's alias: what the patient calls them ("Mother", "Marco"). Never empty, kept short.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Alias(String);

impl Alias {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(s: &str) -> Result<Self, InventoryError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(InventoryError::EmptyAlias);
        }
        if t.chars().count() > Self::MAX_CHARS {
            return Err(InventoryError::AliasTooLong(Self::MAX_CHARS));
        }
        crate::input::check_characters("alias", t, false)
            .map_err(InventoryError::AliasCharacters)?;
        Ok(Self(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Alias {
    type Error = InventoryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Alias> for String {
    fn from(a: Alias) -> String {
        a.0
    }
}

/// How easy the patient finds it to tell this person what they need: our own per-relationship
/// self-rating (instruments.md, "Assertiveness"), from 0 (very hard) to 4 (easy). It measures
/// assertiveness in IPT's own terms, one relationship at a time; it is a course measure of our
/// own, not a validated scale, and every view labels it so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct SelfExpression(u8);

impl SelfExpression {
    pub const MIN: u8 = 0;
    pub const MAX: u8 = 4;
    /// Every rating, lowest first.
    pub const ALL: [u8; 5] = [0, 1, 2, 3, 4];

    pub fn new(n: u8) -> Result<Self, InventoryError> {
        if n <= Self::MAX {
            Ok(Self(n))
        } else {
            Err(InventoryError::BadSelfExpression(n))
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for SelfExpression {
    type Error = InventoryError;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

impl From<SelfExpression> for u8 {
    fn from(r: SelfExpression) -> u8 {
        r.0
    }
}

/// The free-text parts of an inventory entry (reference §3.2). Kept together so they can be
/// stored, and later encrypted, as one clinical-text column.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InventoryNotes {
    pub shared_activities: String,
    pub satisfying_aspects: String,
    pub unsatisfying_aspects: String,
    pub expectations: String,
    pub communication_style: String,
    pub change_since_depression: String,
    pub wished_changes: String,
}

/// One important person in the patient's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryPerson {
    pub id: InventoryPersonId,
    pub alias: Alias,
    pub relationship: RelationshipKind,
    pub ring: ClosenessRing,
    /// Free description of contact frequency ("daily", "twice a month").
    pub contact_frequency: String,
    /// The patient can confide in this person (emotional support).
    pub confidant: bool,
    /// Gives practical help.
    pub practical_support: bool,
    pub conflict: ConflictLevel,
    pub reciprocity: Reciprocity,
    /// The person has died. Kept in the inventory: grief work is about them.
    pub deceased: bool,
    /// Areas the clinician thinks this relationship bears on.
    pub area_tags: Vec<AreaKind>,
    /// How easy the patient finds it to tell this person what they need, when asked.
    #[serde(default)]
    pub self_expression: Option<SelfExpression>,
    pub notes: InventoryNotes,
    pub version: i64,
}

/// A person of the inventory as a door gives them (see `crate::input`). A conflict level or
/// reciprocity not given is "none" and "unknown"; the notes are free text, each bounded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryPersonInput {
    pub alias: String,
    pub relationship: Option<String>,
    pub ring: Option<String>,
    pub contact_frequency: String,
    pub confidant: bool,
    pub practical_support: bool,
    pub conflict: Option<String>,
    pub reciprocity: Option<String>,
    pub deceased: bool,
    pub area_tags: Vec<String>,
    /// 0 (very hard) … 4 (easy); empty when not asked.
    pub self_expression: Option<String>,
    pub notes: InventoryNotes,
}

impl InventoryPersonInput {
    /// Read the input into a person with `id` and `version` (0 for a new one), or name every
    /// field that is wrong.
    pub fn read(
        &self,
        id: InventoryPersonId,
        version: i64,
    ) -> Result<InventoryPerson, Vec<FieldError>> {
        let mut r = Refusals::new();
        let alias = r.take(Alias::parse(&self.alias).map_err(FieldError::from));
        let relationship = r.take(
            input::choice("relationship", self.relationship.as_deref(), |c| {
                RelationshipKind::parse(c).ok()
            })
            .and_then(|k| input::required("relationship", k)),
        );
        let ring = r
            .take(
                input::whole_number("ring", self.ring.as_deref(), 0, 3)
                    .and_then(|n| input::required("ring", n)),
            )
            .and_then(|n| ClosenessRing::new(n as u8).ok());
        let conflict = match &self.conflict {
            None => Some(ConflictLevel::None),
            Some(raw) => r.take(
                input::choice("conflict", Some(raw), |c| ConflictLevel::parse(c).ok())
                    .and_then(|c| input::required("conflict", c)),
            ),
        };
        let reciprocity = match &self.reciprocity {
            None => Some(Reciprocity::Unknown),
            Some(raw) => r.take(
                input::choice("reciprocity", Some(raw), input::serde_code::<Reciprocity>)
                    .and_then(|x| input::required("reciprocity", x)),
            ),
        };
        let area_tags = r.take(input::choices("area_tags", &self.area_tags, |c| {
            AreaKind::parse(c).ok()
        }));
        let self_expression = r
            .take(input::whole_number(
                "self_expression",
                self.self_expression.as_deref(),
                i64::from(SelfExpression::MIN),
                i64::from(SelfExpression::MAX),
            ))
            .map(|n| n.and_then(|n| SelfExpression::new(n as u8).ok()));
        let contact_frequency = r.take(input::bounded_text(
            "contact_frequency",
            &self.contact_frequency,
            input::SHORT_TEXT,
        ));
        let mut note = |field: &'static str, raw: &str| {
            r.take(input::bounded_text(field, raw, input::LONG_TEXT))
                .unwrap_or_default()
        };
        let n = &self.notes;
        let notes = InventoryNotes {
            shared_activities: note("shared_activities", &n.shared_activities),
            satisfying_aspects: note("satisfying_aspects", &n.satisfying_aspects),
            unsatisfying_aspects: note("unsatisfying_aspects", &n.unsatisfying_aspects),
            expectations: note("expectations", &n.expectations),
            communication_style: note("communication_style", &n.communication_style),
            change_since_depression: note("change_since_depression", &n.change_since_depression),
            wished_changes: note("wished_changes", &n.wished_changes),
        };
        match (
            alias,
            relationship,
            ring,
            conflict,
            reciprocity,
            area_tags,
            contact_frequency,
            self_expression,
        ) {
            (
                Some(alias),
                Some(relationship),
                Some(ring),
                Some(conflict),
                Some(reciprocity),
                Some(area_tags),
                Some(contact_frequency),
                Some(self_expression),
            ) if r.is_empty() => Ok(InventoryPerson {
                id,
                alias,
                relationship,
                ring,
                contact_frequency,
                confidant: self.confidant,
                practical_support: self.practical_support,
                conflict,
                reciprocity,
                deceased: self.deceased,
                area_tags,
                self_expression,
                notes,
                version,
            }),
            _ => Err(r.into_vec()),
        }
    }
}

/// The inventory's global fields (reference §3.2): the patterns across the patient's
/// relationships rather than any one person, in the clinician's words. Recorded at the start
/// and again at the end of the course, so that change in them (an easier time asserting
/// oneself, say) can be read side by side. Kept with the course as one clinical-text value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InventoryGlobals {
    /// Attachment and relational patterns.
    pub relational_patterns: String,
    /// The ability to assert oneself, confront or express anger.
    pub self_assertion: String,
    /// Social risk-taking: reaching out, trying new contacts, tolerating rejection.
    pub social_risk_taking: String,
    /// A brief history of relationships since childhood.
    pub relationship_history: String,
    /// The day they were recorded.
    pub recorded_on: Option<Date>,
}

impl InventoryGlobals {
    /// The form's field names, in order.
    pub const FIELDS: [&'static str; 4] = [
        "relational_patterns",
        "self_assertion",
        "social_risk_taking",
        "relationship_history",
    ];

    /// The four texts, in the order of [`Self::FIELDS`].
    pub fn texts(&self) -> [&str; 4] {
        [
            &self.relational_patterns,
            &self.self_assertion,
            &self.social_risk_taking,
            &self.relationship_history,
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.texts().iter().all(|t| t.trim().is_empty())
    }
}

/// The global fields at the start and at the end of the course.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GlobalsRecord {
    pub start: Option<InventoryGlobals>,
    pub end: Option<InventoryGlobals>,
}

impl GlobalsRecord {
    pub fn get(&self, kind: SnapshotKind) -> Option<&InventoryGlobals> {
        match kind {
            SnapshotKind::Start => self.start.as_ref(),
            SnapshotKind::End => self.end.as_ref(),
        }
    }

    /// Set one point's fields; all-empty fields clear it.
    pub fn set(&mut self, kind: SnapshotKind, globals: InventoryGlobals) {
        let v = (!globals.is_empty()).then_some(globals);
        match kind {
            SnapshotKind::Start => self.start = v,
            SnapshotKind::End => self.end = v,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.start.is_none() && self.end.is_none()
    }
}

/// The global fields as a door gives them: four free texts, each bounded, and the day (today
/// when not given; never in the future).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryGlobalsInput {
    pub relational_patterns: String,
    pub self_assertion: String,
    pub social_risk_taking: String,
    pub relationship_history: String,
    pub recorded_on: Option<String>,
}

impl InventoryGlobalsInput {
    pub fn read(&self, today: Date) -> Result<InventoryGlobals, Vec<FieldError>> {
        let mut r = Refusals::new();
        let mut text = |field: &'static str, raw: &str| {
            r.take(input::bounded_text(field, raw, input::LONG_TEXT))
                .unwrap_or_default()
        };
        let relational_patterns = text("relational_patterns", &self.relational_patterns);
        let self_assertion = text("self_assertion", &self.self_assertion);
        let social_risk_taking = text("social_risk_taking", &self.social_risk_taking);
        let relationship_history = text("relationship_history", &self.relationship_history);
        let recorded_on = r.take(input::record_date(
            "recorded_on",
            self.recorded_on.as_deref(),
            today,
        ));
        r.finish()?;
        Ok(InventoryGlobals {
            relational_patterns,
            self_assertion,
            social_risk_taking,
            relationship_history,
            recorded_on: Some(recorded_on.unwrap_or(today)),
        })
    }
}

/// A copy of the closeness circle at a point in the course, so that change in the network
/// can be shown at termination (reference §3.3: "optional re-rating at termination").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventorySnapshot {
    pub id: SnapshotId,
    pub kind: SnapshotKind,
    pub taken_on: Date,
    pub people: Vec<SnapshotPerson>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotKind {
    Start,
    End,
}

impl SnapshotKind {
    pub const ALL: [SnapshotKind; 2] = [Self::Start, Self::End];
    pub fn code(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::End => "end",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "start" => Some(Self::Start),
            "end" => Some(Self::End),
            _ => None,
        }
    }
}

/// What a snapshot keeps of a person: everything the circle draws (ring, confidant, conflict,
/// whether they have died), no free text. Snapshots taken before conflict and death were kept
/// have `None` there; a migration filled them from the inventory where the person was still
/// in it and marked them `backfilled`, so a view can say the values were added afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotPerson {
    pub person: InventoryPersonId,
    pub alias: String,
    pub relationship: RelationshipKind,
    pub ring: ClosenessRing,
    pub confidant: bool,
    #[serde(default)]
    pub conflict: Option<ConflictLevel>,
    #[serde(default)]
    pub deceased: Option<bool>,
    /// Conflict and death were copied from the inventory after the snapshot was taken.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub backfilled: bool,
    /// The self-expression rating at the time (`None`: not asked, or taken before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_expression: Option<SelfExpression>,
}

impl SnapshotPerson {
    pub fn of(p: &InventoryPerson) -> Self {
        Self {
            person: p.id,
            alias: p.alias.as_str().to_string(),
            relationship: p.relationship,
            ring: p.ring,
            confidant: p.confidant,
            conflict: Some(p.conflict),
            deceased: Some(p.deceased),
            backfilled: false,
            self_expression: p.self_expression,
        }
    }

    /// Known to have died when the snapshot was taken (unknown counts as living).
    pub fn is_deceased(&self) -> bool {
        self.deceased == Some(true)
    }

    /// The relationship carried conflict, open or hidden.
    pub fn in_conflict(&self) -> bool {
        matches!(
            self.conflict,
            Some(ConflictLevel::Hidden | ConflictLevel::Open)
        )
    }
}

impl InventorySnapshot {
    /// How many people's conflict and death this snapshot does not record at all.
    pub fn people_without_attributes(&self) -> usize {
        self.people
            .iter()
            .filter(|p| p.conflict.is_none() || p.deceased.is_none())
            .count()
    }

    /// Whether any person's conflict and death were filled in from the inventory afterwards.
    pub fn has_backfilled(&self) -> bool {
        self.people.iter().any(|p| p.backfilled)
    }
}

/// Social-network indices derived from the circle: they make "reduced isolation" measurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkIndices {
    pub in_circle: usize,
    pub inner_ring: usize,
    pub confidant_present: bool,
}

impl NetworkIndices {
    /// Counts living people only: the deceased stay in the inventory but are not support.
    pub fn of_people<'a>(people: impl IntoIterator<Item = &'a InventoryPerson>) -> Self {
        let living: Vec<_> = people.into_iter().filter(|p| !p.deceased).collect();
        Self {
            in_circle: living.iter().filter(|p| p.ring.is_in_circle()).count(),
            inner_ring: living
                .iter()
                .filter(|p| p.ring == ClosenessRing::Inner)
                .count(),
            confidant_present: living.iter().any(|p| p.confidant),
        }
    }

    /// Counts living people only, as `of_people` does, so start and now compare alike.
    pub fn of_snapshot(s: &InventorySnapshot) -> Self {
        let living: Vec<_> = s.people.iter().filter(|p| !p.is_deceased()).collect();
        Self {
            in_circle: living.iter().filter(|p| p.ring.is_in_circle()).count(),
            inner_ring: living
                .iter()
                .filter(|p| p.ring == ClosenessRing::Inner)
                .count(),
            confidant_present: living.iter().any(|p| p.confidant),
        }
    }
}

/// One relationship's self-expression rating at the start and at the latest point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationshipExpression {
    pub person: InventoryPersonId,
    pub alias: String,
    pub start: Option<SelfExpression>,
    pub latest: Option<SelfExpression>,
}

impl RelationshipExpression {
    /// Latest minus start, when the relationship was rated at both points.
    pub fn change(&self) -> Option<i8> {
        match (self.start, self.latest) {
            (Some(a), Some(b)) => Some(b.value() as i8 - a.value() as i8),
            _ => None,
        }
    }
}

/// The self-expression ratings over a course: per relationship, and as a course index (the
/// mean rating of the living people rated at that point, 0–4, two decimals). The change is
/// the mean of the per-relationship changes of the people rated at both points, so that a
/// person added or dropped later does not move it. A course measure of our own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelfExpressionChange {
    pub relationships: Vec<RelationshipExpression>,
    pub start_index: Option<f64>,
    pub latest_index: Option<f64>,
    /// How many relationships were rated at both points.
    pub paired: usize,
    pub mean_change: Option<f64>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn mean_rating(ratings: impl Iterator<Item = SelfExpression>) -> Option<f64> {
    let (sum, n) = ratings.fold((0u32, 0u32), |(s, n), r| (s + u32::from(r.value()), n + 1));
    (n > 0).then(|| round2(f64::from(sum) / f64::from(n)))
}

impl SelfExpressionChange {
    /// Compare the start snapshot with the end snapshot, or with the inventory as it is now
    /// when the course has no end snapshot yet. The deceased are left out, as the network
    /// indices leave them out.
    pub fn between(
        start: Option<&InventorySnapshot>,
        end: Option<&InventorySnapshot>,
        inventory: &[InventoryPerson],
    ) -> Self {
        let start_people: Vec<&SnapshotPerson> = start
            .map(|s| s.people.iter().filter(|p| !p.is_deceased()).collect())
            .unwrap_or_default();
        let latest: Vec<(InventoryPersonId, String, Option<SelfExpression>)> = match end {
            Some(e) => e
                .people
                .iter()
                .filter(|p| !p.is_deceased())
                .map(|p| (p.person, p.alias.clone(), p.self_expression))
                .collect(),
            None => inventory
                .iter()
                .filter(|p| !p.deceased)
                .map(|p| (p.id, p.alias.as_str().to_string(), p.self_expression))
                .collect(),
        };
        let mut relationships: Vec<RelationshipExpression> = latest
            .iter()
            .map(|(id, alias, rating)| RelationshipExpression {
                person: *id,
                alias: alias.clone(),
                start: start_people
                    .iter()
                    .find(|p| p.person == *id)
                    .and_then(|p| p.self_expression),
                latest: *rating,
            })
            .collect();
        for p in &start_people {
            if !latest.iter().any(|(id, _, _)| *id == p.person) {
                relationships.push(RelationshipExpression {
                    person: p.person,
                    alias: p.alias.clone(),
                    start: p.self_expression,
                    latest: None,
                });
            }
        }
        relationships.retain(|r| r.start.is_some() || r.latest.is_some());
        let changes: Vec<i8> = relationships.iter().filter_map(|r| r.change()).collect();
        let mean_change = (!changes.is_empty()).then(|| {
            round2(changes.iter().map(|&c| f64::from(c)).sum::<f64>() / changes.len() as f64)
        });
        Self {
            start_index: mean_rating(start_people.iter().filter_map(|p| p.self_expression)),
            latest_index: mean_rating(latest.iter().filter_map(|(_, _, r)| *r)),
            paired: changes.len(),
            mean_change,
            relationships,
        }
    }

    /// Nothing was rated at either point.
    pub fn is_empty(&self) -> bool {
        self.relationships.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    #[error("closeness ring must be 1 (closest), 2, 3, or 0 for outside the circle; got {0}")]
    BadRing(u8),
    #[error("give the person a name or alias")]
    EmptyAlias,
    #[error("keep the alias to {0} characters or fewer")]
    AliasTooLong(usize),
    #[error("the alias holds a control character")]
    AliasCharacters(FieldError),
    #[error("'{0}' is not a relationship kind")]
    UnknownRelationship(String),
    #[error("'{0}' is not a conflict level (none, hidden, open)")]
    UnknownConflict(String),
    #[error("the self-expression rating must be 0 (very hard) to 4 (easy); got {0}")]
    BadSelfExpression(u8),
}

/// The refusal each check names, by the person's field (as `InventoryPersonInput` reads it).
impl From<InventoryError> for FieldError {
    fn from(e: InventoryError) -> Self {
        match e {
            InventoryError::BadRing(_) => FieldError::new("ring", Code::NumberOutOfRange)
                .number("min", 0)
                .number("max", 3),
            InventoryError::EmptyAlias => FieldError::new("alias", Code::Required),
            InventoryError::AliasTooLong(max) => {
                FieldError::new("alias", Code::TooLong).number("max", max as i64)
            }
            InventoryError::AliasCharacters(e) => e,
            InventoryError::UnknownRelationship(v) => {
                FieldError::new("relationship", Code::NotOneOf).text("value", v)
            }
            InventoryError::UnknownConflict(v) => {
                FieldError::new("conflict", Code::NotOneOf).text("value", v)
            }
            InventoryError::BadSelfExpression(_) => {
                FieldError::new("self_expression", Code::NumberOutOfRange)
                    .number("min", i64::from(SelfExpression::MIN))
                    .number("max", i64::from(SelfExpression::MAX))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn person(alias: &str, ring: u8, confidant: bool, deceased: bool) -> InventoryPerson {
        InventoryPerson {
            id: InventoryPersonId::from_uuid(Uuid::nil()),
            alias: Alias::parse(alias).unwrap(),
            relationship: RelationshipKind::Friend,
            ring: ClosenessRing::new(ring).unwrap(),
            contact_frequency: String::new(),
            confidant,
            practical_support: false,
            conflict: ConflictLevel::None,
            reciprocity: Reciprocity::Unknown,
            deceased,
            area_tags: vec![],
            self_expression: None,
            notes: InventoryNotes::default(),
            version: 1,
        }
    }

    fn rated(mut p: InventoryPerson, id: u128, r: u8) -> InventoryPerson {
        p.id = InventoryPersonId::from_uuid(Uuid::from_u128(id));
        p.self_expression = Some(SelfExpression::new(r).unwrap());
        p
    }

    fn snapshot(kind: SnapshotKind, people: &[InventoryPerson]) -> InventorySnapshot {
        InventorySnapshot {
            id: crate::ids::SnapshotId::from_uuid(Uuid::nil()),
            kind,
            taken_on: time::macros::date!(2026 - 01 - 10),
            people: people.iter().map(SnapshotPerson::of).collect(),
        }
    }

    #[test]
    fn global_fields_are_bounded_dated_and_cleared_when_empty() {
        let today = time::macros::date!(2026 - 03 - 10);
        let input = InventoryGlobalsInput {
            self_assertion: "Rarely says no to her mother; swallows anger.".into(),
            ..Default::default()
        };
        let g = input.read(today).unwrap();
        assert_eq!(g.recorded_on, Some(today));
        let mut record = GlobalsRecord::default();
        record.set(SnapshotKind::Start, g.clone());
        assert_eq!(record.get(SnapshotKind::Start), Some(&g));
        record.set(SnapshotKind::Start, InventoryGlobals::default());
        assert!(record.is_empty());
        let errs = InventoryGlobalsInput {
            relationship_history: "x".repeat(input::LONG_TEXT + 1),
            recorded_on: Some("2026-03-11".into()),
            ..Default::default()
        }
        .read(today)
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["relationship_history", "recorded_on"]);
    }

    #[test]
    fn self_expression_is_0_to_4_and_read_from_the_door() {
        assert!(SelfExpression::new(4).is_ok());
        assert_eq!(
            SelfExpression::new(5),
            Err(InventoryError::BadSelfExpression(5))
        );
        let mut input = InventoryPersonInput {
            alias: "Anna".into(),
            relationship: Some("friend".into()),
            ring: Some("1".into()),
            self_expression: Some("3".into()),
            ..Default::default()
        };
        let nil = InventoryPersonId::from_uuid(Uuid::nil());
        assert_eq!(
            input.read(nil, 0).unwrap().self_expression,
            Some(SelfExpression::new(3).unwrap())
        );
        input.self_expression = Some(" ".into());
        assert_eq!(input.read(nil, 0).unwrap().self_expression, None);
        for bad in ["5", "-1", "two"] {
            input.self_expression = Some(bad.into());
            let errs = input.read(nil, 0).unwrap_err();
            assert_eq!(errs.len(), 1, "{bad}");
            assert_eq!(errs[0].field, "self_expression");
            assert_eq!(errs[0].code, Code::NumberOutOfRange);
        }
    }

    #[test]
    fn self_expression_change_pairs_the_people_rated_twice() {
        let start = [
            rated(person("Anna", 1, true, false), 1, 1),
            rated(person("Luca", 2, false, false), 2, 3),
            rated(person("Mother", 1, true, true), 3, 0),
            rated(person("Boss", 0, false, false), 4, 0),
        ];
        let end = [
            rated(person("Anna", 1, true, false), 1, 3),
            rated(person("Luca", 2, false, false), 2, 2),
            rated(person("Mother", 1, true, true), 3, 4),
            rated(person("Sara", 2, false, false), 5, 4),
        ];
        let c = SelfExpressionChange::between(
            Some(&snapshot(SnapshotKind::Start, &start)),
            Some(&snapshot(SnapshotKind::End, &end)),
            &[],
        );
        // Anna +2, Luca −1: the deceased are left out, Boss (start only) and Sara (end only)
        // are shown but not paired.
        assert_eq!(c.paired, 2);
        assert_eq!(c.mean_change, Some(0.5));
        assert_eq!(c.start_index, Some(1.33));
        assert_eq!(c.latest_index, Some(3.0));
        let names: Vec<(&str, Option<i8>)> = c
            .relationships
            .iter()
            .map(|r| (r.alias.as_str(), r.change()))
            .collect();
        assert_eq!(
            names,
            [
                ("Anna", Some(2)),
                ("Luca", Some(-1)),
                ("Sara", None),
                ("Boss", None)
            ]
        );
        // Without an end snapshot, the inventory as it is now is the latest point.
        let now =
            SelfExpressionChange::between(Some(&snapshot(SnapshotKind::Start, &start)), None, &end);
        assert_eq!(now.mean_change, Some(0.5));
        // Nothing rated at all: empty.
        let none = SelfExpressionChange::between(None, None, &[person("Anna", 1, true, false)]);
        assert!(none.is_empty() && none.mean_change.is_none());
    }

    #[test]
    fn rings_are_0_to_3() {
        assert_eq!(ClosenessRing::new(1), Ok(ClosenessRing::Inner));
        assert_eq!(ClosenessRing::new(0), Ok(ClosenessRing::Outside));
        assert_eq!(ClosenessRing::new(4), Err(InventoryError::BadRing(4)));
    }

    #[test]
    fn alias_is_trimmed_and_bounded() {
        assert_eq!(Alias::parse("  Mother ").unwrap().as_str(), "Mother");
        assert_eq!(Alias::parse("   "), Err(InventoryError::EmptyAlias));
        assert!(Alias::parse(&"x".repeat(61)).is_err());
    }

    #[test]
    fn network_indices_skip_the_deceased() {
        let people = [
            person("Mother", 1, true, true),
            person("Anna", 1, true, false),
            person("Luca", 3, false, false),
            person("Boss", 0, false, false),
        ];
        let n = NetworkIndices::of_people(&people);
        assert_eq!(
            n,
            NetworkIndices {
                in_circle: 2,
                inner_ring: 1,
                confidant_present: true
            }
        );
    }

    #[test]
    fn a_snapshot_keeps_death_and_conflict_and_counts_as_the_live_circle_does() {
        let mut mother = person("Mother", 1, true, true);
        mother.conflict = ConflictLevel::Open;
        let people = vec![mother, person("Sam", 2, false, false)];
        let snap = InventorySnapshot {
            id: crate::ids::SnapshotId::from_uuid(Uuid::nil()),
            kind: SnapshotKind::Start,
            taken_on: time::macros::date!(2026 - 01 - 10),
            people: people.iter().map(SnapshotPerson::of).collect(),
        };
        assert!(snap.people[0].is_deceased() && snap.people[0].in_conflict());
        assert_eq!(
            NetworkIndices::of_snapshot(&snap),
            NetworkIndices::of_people(&people)
        );
        assert_eq!(snap.people_without_attributes(), 0);
        // A snapshot stored before these were kept reads as "not recorded".
        let old: SnapshotPerson = serde_json::from_str(
            r#"{"person":"00000000-0000-0000-0000-000000000000","alias":"Mother","relationship":"parent","ring":1,"confidant":true}"#,
        )
        .unwrap();
        assert_eq!(
            (old.deceased, old.conflict, old.backfilled),
            (None, None, false)
        );
        assert!(!old.is_deceased());
    }
}
