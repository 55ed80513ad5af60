//! The seed's secondary outcomes for one course: IPT's claim is that clinical improvement "is
//! often accompanied by an increase in perceived support, enhanced assertiveness, and reduced
//! isolation" (seed overview). This module puts the evidence for each side by side, start
//! against latest (or end):
//!
//! - perceived support: the MSPSS total and its three subscale means;
//! - loneliness: the UCLA-3 total;
//! - assertiveness: any assertiveness questionnaire given (construct `assertiveness`), and our
//!   own per-relationship self-expression rating with its course index;
//! - isolation: the network indices of the closeness circle (people in it, inner ring,
//!   whether a confidant is there).
//!
//! Which questionnaires count is read from their construct, not from a list of codes, so a
//! deployment's own instrument of the same construct takes its place. Change metrics are the
//! instrument's (with the deployment's overrides); the circle indices and the self-expression
//! rating have no reliability rule, and every door says so rather than judging their change.
//! The same value feeds every door: the course pages, the ending, the summary PDF, the API and,
//! in plain words, the patient's portal.

use ipt_domain::assessment::{Assessment, AssessmentStatus};
use ipt_domain::inventory::{
    InventoryPerson, InventorySnapshot, NetworkIndices, SelfExpressionChange, SnapshotKind,
};
use ipt_domain::measures::{Catalogue, Change, Construct, Direction, Instrument};
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// The constructs that make the secondary outcomes, in the order they are shown.
pub const SECONDARY_CONSTRUCTS: [Construct; 3] = [
    Construct::SocialSupport,
    Construct::Loneliness,
    Construct::Assertiveness,
];

/// One final score of a secondary questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScorePoint {
    pub total: f64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A subscale's mean at the first and the latest score (MSPSS: significant other, family,
/// friends).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscaleChange {
    pub code: String,
    pub name: String,
    pub first_mean: Option<f64>,
    pub latest_mean: Option<f64>,
}

/// One secondary questionnaire over the course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureChange {
    pub instrument: String,
    pub short_name: String,
    pub construct: Construct,
    /// Which way is better for this instrument.
    pub higher_is_better: bool,
    /// The published range (the RAS: −90 … +90).
    pub min_total: i32,
    pub max_total: i32,
    pub first: ScorePoint,
    /// None while there is one score only.
    pub latest: Option<ScorePoint>,
    /// How many final scores the course holds.
    pub finals: usize,
    /// The instrument's change metrics, when it has two scores and defines any.
    pub change: Option<Change>,
    pub subscales: Vec<SubscaleChange>,
}

impl MeasureChange {
    /// Latest minus first, when there are two scores.
    pub fn difference(&self) -> Option<f64> {
        self.latest.as_ref().map(|l| l.total - self.first.total)
    }

    /// Whether the instrument can judge its change as reliable (a reliable-change index).
    pub fn judges_reliability(&self) -> bool {
        self.change
            .is_some_and(|c| c.reliable_improvement.is_some() || c.reliable_deterioration.is_some())
    }
}

/// The closeness circle's indices at the start of the middle phase against the end snapshot,
/// or against the inventory as it is now while the course has none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkChange {
    pub start_on: Option<Date>,
    pub start: Option<NetworkIndices>,
    /// The day of the end snapshot; None when `latest` is the inventory as it is now.
    pub end_on: Option<Date>,
    pub latest: NetworkIndices,
}

/// Every secondary outcome of one course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecondaryOutcomes {
    /// Perceived support, loneliness and assertiveness questionnaires given in the course, in
    /// the order of [`SECONDARY_CONSTRUCTS`].
    pub measures: Vec<MeasureChange>,
    pub network: NetworkChange,
    pub self_expression: SelfExpressionChange,
}

fn final_total(a: &Assessment) -> Option<f64> {
    (a.status == AssessmentStatus::Final)
        .then_some(())
        .and(a.result.as_ref())
        .filter(|r| r.valid)
        .and_then(|r| r.total)
}

/// The subscale means of one scored assessment (recomputed from its answers).
fn subscale_means(i: &Instrument, a: &Assessment) -> Vec<(String, Option<f64>)> {
    let Ok(r) = i.score_with(&a.answers, &crate::measures::settings().scoring) else {
        return vec![];
    };
    i.subscales
        .iter()
        .map(|s| {
            let mean = r.subscales.get(&s.code).cloned().flatten().map(|x| x.mean);
            (s.code.clone(), mean)
        })
        .collect()
}

impl SecondaryOutcomes {
    /// Read the outcomes from a course's assessments, snapshots and inventory.
    pub fn of(
        assessments: &[Assessment],
        snapshots: &[InventorySnapshot],
        inventory: &[InventoryPerson],
    ) -> Self {
        let mut finals: Vec<&Assessment> = assessments
            .iter()
            .filter(|a| final_total(a).is_some())
            .collect();
        finals.sort_by_key(|a| (a.administered_at, a.id));
        let catalogue = Catalogue::builtin();
        let mut measures = vec![];
        for construct in SECONDARY_CONSTRUCTS {
            for inst in catalogue
                .instruments()
                .iter()
                .filter(|i| i.construct == construct)
            {
                let list: Vec<&&Assessment> = finals
                    .iter()
                    .filter(|a| a.instrument == inst.code)
                    .collect();
                let (Some(first), Some(last)) = (list.first(), list.last()) else {
                    continue;
                };
                let first_total = final_total(first).unwrap_or_default();
                let two = list.len() >= 2;
                let latest = two.then(|| ScorePoint {
                    total: final_total(last).unwrap_or_default(),
                    at: last.administered_at,
                });
                let change = latest.as_ref().and_then(|l| {
                    crate::measures::change_of_totals(inst, first_total, l.total).ok()
                });
                let first_sub = subscale_means(inst, first);
                let last_sub = if two {
                    subscale_means(inst, last)
                } else {
                    vec![]
                };
                let subscales = inst
                    .subscales
                    .iter()
                    .map(|s| SubscaleChange {
                        code: s.code.clone(),
                        name: s.name.clone(),
                        first_mean: first_sub
                            .iter()
                            .find(|(c, _)| c == &s.code)
                            .and_then(|(_, m)| *m),
                        latest_mean: last_sub
                            .iter()
                            .find(|(c, _)| c == &s.code)
                            .and_then(|(_, m)| *m),
                    })
                    .collect();
                let rule = crate::measures::settings().change.rule(&inst.code);
                measures.push(MeasureChange {
                    instrument: inst.code.clone(),
                    short_name: inst.short_name.clone(),
                    construct,
                    higher_is_better: rule
                        .is_some_and(|r| r.direction == Direction::HigherIsBetter),
                    min_total: inst.shown_range().0,
                    max_total: inst.shown_range().1,
                    first: ScorePoint {
                        total: first_total,
                        at: first.administered_at,
                    },
                    latest,
                    finals: list.len(),
                    change,
                    subscales,
                });
            }
        }
        let start = snapshots.iter().find(|s| s.kind == SnapshotKind::Start);
        let end = snapshots.iter().rev().find(|s| s.kind == SnapshotKind::End);
        let network = NetworkChange {
            start_on: start.map(|s| s.taken_on),
            start: start.map(NetworkIndices::of_snapshot),
            end_on: end.map(|e| e.taken_on),
            latest: end
                .map(NetworkIndices::of_snapshot)
                .unwrap_or_else(|| NetworkIndices::of_people(inventory)),
        };
        SecondaryOutcomes {
            measures,
            network,
            self_expression: SelfExpressionChange::between(start, end, inventory),
        }
    }

    /// The questionnaire of one construct, when given.
    pub fn measure(&self, construct: Construct) -> Option<&MeasureChange> {
        self.measures.iter().find(|m| m.construct == construct)
    }

    /// Nothing to show: no secondary questionnaire, no start snapshot, no rating.
    pub fn is_empty(&self) -> bool {
        self.measures.is_empty() && self.network.start.is_none() && self.self_expression.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipt_domain::assessment::AdministrationMode;
    use ipt_domain::ids::{AssessmentId, PatientId};

    fn scored(code: &str, answers: Vec<Option<u8>>, days_ago: i64) -> Assessment {
        Assessment {
            id: crate::new_id::<AssessmentId>(),
            patient: crate::new_id::<PatientId>(),
            course: None,
            session: None,
            instrument: code.into(),
            result: Some(crate::measures::summarise(code, &answers).unwrap()),
            answers,
            status: AssessmentStatus::Final,
            mode: AdministrationMode::Clinician,
            administered_at: OffsetDateTime::now_utc() - time::Duration::days(days_ago),
            phase: None,
            version: 0,
        }
    }

    #[test]
    fn support_and_loneliness_are_compared_first_against_latest_with_their_own_rules() {
        let x = SecondaryOutcomes::of(
            &[
                scored("phq9", vec![Some(2); 9], 90),
                scored("mspss", vec![Some(3); 12], 90),
                scored("ucla3", vec![Some(3); 3], 90),
                scored("mspss", vec![Some(4); 12], 45),
                // Latest: 5 on every item, total 60 (from 36): +24, past the reliable 10.
                scored("mspss", vec![Some(5); 12], 1),
                scored("ucla3", vec![Some(2); 3], 1),
            ],
            &[],
            &[],
        );
        let codes: Vec<&str> = x.measures.iter().map(|m| m.instrument.as_str()).collect();
        assert_eq!(codes, ["mspss", "ucla3"]);
        let support = x.measure(Construct::SocialSupport).unwrap();
        assert_eq!((support.first.total, support.finals), (36.0, 3));
        assert_eq!(support.difference(), Some(24.0));
        assert!(support.higher_is_better);
        assert_eq!(support.change.unwrap().reliable_improvement, Some(true));
        let family = &support.subscales[1];
        assert_eq!(
            (family.code.as_str(), family.first_mean, family.latest_mean),
            ("family", Some(3.0), Some(5.0))
        );
        let lonely = x.measure(Construct::Loneliness).unwrap();
        assert!(!lonely.higher_is_better);
        // 9 → 6: a fall of 3 is the UCLA-3's reliable change.
        assert_eq!(lonely.difference(), Some(-3.0));
        assert_eq!(lonely.change.unwrap().reliable_improvement, Some(true));
        assert!(x.measure(Construct::Assertiveness).is_none());
        assert!(!x.is_empty());
    }

    #[test]
    fn one_score_has_no_change_and_nothing_given_is_empty() {
        let x = SecondaryOutcomes::of(&[scored("ucla3", vec![Some(1); 3], 3)], &[], &[]);
        let m = &x.measures[0];
        assert!(m.latest.is_none() && m.change.is_none() && m.difference().is_none());
        assert!(SecondaryOutcomes::of(&[], &[], &[]).is_empty());
    }
}
