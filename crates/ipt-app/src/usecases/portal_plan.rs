//! "My plan" and "My progress" on the patient portal: what the patient and their therapist
//! agreed (the formulation in the patient's wording, the focus, goals, the actions agreed at
//! the last session, the relapse-prevention plan, the next sessions) and how their
//! questionnaire scores have moved.
//!
//! Everything is read through the patient's own course and audited as theirs. The only change
//! a patient makes here is their own 0–10 rating of an open goal.

use ipt_domain::assessment::{Assessment, AssessmentStatus};
use ipt_domain::course::{Course, Goal, GoalStatus, RelapsePreventionPlan};
use ipt_domain::ids::GoalId;
use ipt_domain::measures::{BandSet, Catalogue, Change, Instrument};
use ipt_domain::problem_area::AreaKind;
use ipt_domain::rule::{Code, FieldError};
use ipt_domain::safety::SafetyPlan;
use ipt_domain::session::{Attendance, TherapySession};
use time::Date;

use crate::usecases::portal::PortalPatient;
use crate::{App, AppError};

/// What "My plan" shows.
#[derive(Debug, Clone)]
pub struct PortalPlan {
    pub course: Course,
    /// The formulation as the patient sees it (their own wording when written), once the
    /// patient has accepted it; a draft stays between the clinician and the sessions.
    pub formulation: Option<String>,
    pub focus: Vec<AreaKind>,
    pub goals: Vec<Goal>,
    /// What was agreed at the latest session that took place, and its date.
    pub actions: Option<(Date, String)>,
    /// Shown once written.
    pub relapse_plan: Option<RelapsePreventionPlan>,
    /// The safety plan written with the patient, once written.
    pub safety_plan: Option<SafetyPlan>,
    /// The next session, when one is planned and still to come.
    pub upcoming: Option<Date>,
    /// Every session of the contract has been held (or the course is over).
    pub sessions_complete: bool,
}

/// One total on "My progress".
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressPoint {
    pub date: Date,
    pub total: f64,
    /// The code of the band the total falls in, with the band set in force.
    pub band: Option<String>,
}

/// One questionnaire's scores over the course.
#[derive(Debug, Clone)]
pub struct InstrumentProgress {
    pub instrument: &'static Instrument,
    /// The severity bands in force (the deployment's choice, else the definition's default).
    pub bands: Option<&'static BandSet>,
    /// Oldest first.
    pub points: Vec<ProgressPoint>,
    /// The first total against the latest, when there are two or more.
    pub change: Option<Change>,
}

/// What "My progress" shows.
#[derive(Debug, Clone)]
pub struct PortalProgress {
    pub course: Course,
    pub instruments: Vec<InstrumentProgress>,
    /// Support, loneliness, the circle and the self-expression ratings, start against latest.
    pub secondary: crate::outcomes::SecondaryOutcomes,
}

/// The band set in force for an instrument: the deployment's override, else the default.
pub fn band_set_in_force(instrument: &'static Instrument) -> Option<&'static BandSet> {
    match crate::measures::settings()
        .scoring
        .bands
        .get(&instrument.code)
    {
        Some(id) => instrument.band_set(id),
        None => instrument.default_band_set(),
    }
}

fn total_of(a: &Assessment) -> Option<f64> {
    a.result.as_ref().filter(|r| r.valid).and_then(|r| r.total)
}

/// The actions agreed at the latest session that took place, if any were written.
fn latest_actions(sessions: &[TherapySession]) -> Option<(Date, String)> {
    sessions
        .iter()
        .filter(|s| s.attendance == Attendance::Attended)
        .max_by_key(|s| (s.date, s.number.get()))
        .filter(|s| !s.agreed_actions.trim().is_empty())
        .map(|s| (s.date, s.agreed_actions.trim().to_string()))
}

/// The questionnaires a patient filled in (self-report instruments of the catalogue; single
/// ratings such as session mood are left out), the format's recommended ones first.
pub fn progress_of(recommended: &[String], assessments: &[Assessment]) -> Vec<InstrumentProgress> {
    let catalogue = Catalogue::builtin();
    let mut finals: Vec<(&Assessment, &'static Instrument, f64)> = assessments
        .iter()
        .filter(|a| a.status == AssessmentStatus::Final)
        .filter(|a| !Assessment::NOT_OUTCOME_MEASURES.contains(&a.instrument.as_str()))
        .filter_map(|a| {
            let i = catalogue.get(&a.instrument)?;
            // Interview ratings (HAM-D) are the clinician's to explain, in a session.
            i.offered_to_patients()
                .then_some(())
                .and(total_of(a).map(|t| (a, i, t)))
        })
        .collect();
    finals.sort_by_key(|(a, _, _)| (a.administered_at, a.id));
    let mut codes: Vec<&str> = recommended
        .iter()
        .map(String::as_str)
        .filter(|c| finals.iter().any(|(a, _, _)| a.instrument == *c))
        .collect();
    for (a, _, _) in &finals {
        if !codes.contains(&a.instrument.as_str()) {
            codes.push(&a.instrument);
        }
    }
    codes
        .into_iter()
        .filter_map(|code| {
            let list: Vec<&(&Assessment, &'static Instrument, f64)> = finals
                .iter()
                .filter(|(a, _, _)| a.instrument == code)
                .collect();
            let instrument = list.first()?.1;
            let bands = band_set_in_force(instrument);
            let points: Vec<ProgressPoint> = list
                .iter()
                .map(|(a, _, total)| ProgressPoint {
                    date: a.administered_at.date(),
                    total: *total,
                    band: bands
                        .and_then(|b| b.band_for(total.max(0.0).round() as u32))
                        .map(|b| b.code.clone()),
                })
                .collect();
            let change = match (points.first(), points.last()) {
                (Some(f), Some(l)) if points.len() > 1 => {
                    crate::measures::change_of_totals(instrument, f.total, l.total).ok()
                }
                _ => None,
            };
            Some(InstrumentProgress {
                instrument,
                bands,
                points,
                change,
            })
        })
        .collect()
}

impl App {
    /// "My plan" for the patient's current course; None before they have one.
    pub async fn portal_plan(&self, who: &PortalPatient) -> Result<Option<PortalPlan>, AppError> {
        let Some(course) = self.portal_course(who).await? else {
            return Ok(None);
        };
        let id = course.id.as_uuid();
        let sessions = self
            .store
            .sessions(
                course.id,
                &self.portal_audit(who, "session.list", "course", id),
            )
            .await?;
        let goals = self
            .store
            .goals(
                course.id,
                &self.portal_audit(who, "goal.read", "course", id),
            )
            .await?;
        Ok(Some(PortalPlan {
            formulation: course
                .formulation
                .as_ref()
                .filter(|f| f.is_accepted())
                .map(|f| f.for_patient().trim().to_string())
                .filter(|t| !t.is_empty()),
            focus: course
                .focus
                .as_ref()
                .map(|f| f.areas().iter().map(|a| a.kind()).collect())
                .unwrap_or_default(),
            goals,
            actions: latest_actions(&sessions),
            relapse_plan: course.relapse_plan.clone().filter(|p| {
                [
                    &p.warning_signs,
                    &p.triggers,
                    &p.coping,
                    &p.supports,
                    &p.seek_help,
                ]
                .iter()
                .any(|s| !s.trim().is_empty())
            }),
            safety_plan: course
                .safety_plan
                .clone()
                .filter(|p| p.parts().iter().any(|(_, text)| !text.trim().is_empty())),
            sessions_complete: ipt_domain::session::sessions_complete(
                &sessions,
                course.status.is_open(),
                course.planned_sessions(),
            ),
            upcoming: ipt_domain::session::upcoming(
                &sessions,
                course.status.is_open(),
                course.planned_sessions(),
                self.today(),
            ),
            course,
        }))
    }

    /// The patient's own 0–10 rating of progress towards one of their open goals. It is kept
    /// on the goal itself (a goal-progress questionnaire answer cannot say which goal it was
    /// about), so the clinician's goal page shows the same number. The goal must be one of the
    /// patient's course and carry the version that was read.
    pub async fn portal_rate_goal(
        &self,
        who: &PortalPatient,
        goal: GoalId,
        version: Option<i64>,
        progress: &str,
    ) -> Result<Goal, AppError> {
        // The rating as the patient gave it: a whole number from 0 to 10.
        let progress = ipt_domain::input::whole_number("progress", Some(progress), 0, 10)
            .and_then(|p| ipt_domain::input::required("progress", p))
            .map(|p| p as u8)
            .map_err(|e| vec![e]);
        let progress = super::versioned(version, progress)?;
        let version = version.unwrap_or_default();
        let course = self
            .portal_course(who)
            .await?
            .ok_or(AppError::NotFound("goal"))?;
        let mut g = self
            .store
            .goals(
                course.id,
                &self.portal_audit(who, "goal.read", "course", course.id.as_uuid()),
            )
            .await?
            .into_iter()
            .find(|g| g.id == goal)
            .ok_or(AppError::NotFound("goal"))?;
        if g.status != GoalStatus::Open || !course.status.is_open() {
            return Err(FieldError::new("goal", Code::GoalNotOpen).into());
        }
        if g.version != version {
            return Err(AppError::Conflict {
                what: "goal",
                expected: version,
                actual: g.version,
            });
        }
        g.progress = Some(progress);
        g.check()?;
        let audit = self.portal_audit(who, "goal.progress", "goal", goal.as_uuid());
        g.version = self.store.update_goal(course.id, &g, &audit).await?;
        Ok(g)
    }

    /// "My progress" for the patient's current course; None before they have one.
    pub async fn portal_progress(
        &self,
        who: &PortalPatient,
    ) -> Result<Option<PortalProgress>, AppError> {
        let Some(course) = self.portal_course(who).await? else {
            return Ok(None);
        };
        let assessments = self
            .store
            .assessments_of_course(
                course.id,
                &self.portal_audit(who, "assessment.list", "course", course.id.as_uuid()),
            )
            .await?;
        let inventory = self
            .store
            .inventory(
                course.id,
                &self.portal_audit(who, "inventory.read", "course", course.id.as_uuid()),
            )
            .await?;
        let snapshots = self
            .store
            .snapshots(
                course.id,
                &self.portal_audit(
                    who,
                    "inventory_snapshot.read",
                    "course",
                    course.id.as_uuid(),
                ),
            )
            .await?;
        let protocol = self.protocols.get(course.format);
        Ok(Some(PortalProgress {
            instruments: progress_of(&protocol.recommended_instruments, &assessments),
            secondary: crate::outcomes::SecondaryOutcomes::of(&assessments, &snapshots, &inventory),
            course,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipt_domain::assessment::{AdministrationMode, ScoreSummary};
    use ipt_domain::ids::{AssessmentId, CourseId, PatientId};
    use time::macros::datetime;

    fn scored(code: &str, total: f64, at: time::OffsetDateTime) -> Assessment {
        Assessment {
            id: AssessmentId::from(uuid::Uuid::now_v7()),
            patient: PatientId::from(uuid::Uuid::nil()),
            course: Some(CourseId::from(uuid::Uuid::nil())),
            session: None,
            instrument: code.into(),
            answers: vec![],
            status: AssessmentStatus::Final,
            mode: AdministrationMode::SelfReport,
            administered_at: at,
            phase: None,
            result: Some(ScoreSummary {
                total: Some(total),
                severity: None,
                risk_items: vec![],
                valid: true,
                prorated: false,
                scoring_version: "1".into(),
            }),
            version: 1,
        }
    }

    #[test]
    fn progress_keeps_patient_questionnaires_with_bands_and_change() {
        let list = vec![
            scored("phq9", 18.0, datetime!(2026-03-01 10:00 UTC)),
            scored("hamd17", 20.0, datetime!(2026-03-01 11:00 UTC)),
            scored("session_mood", 4.0, datetime!(2026-03-02 10:00 UTC)),
            scored("gad7", 9.0, datetime!(2026-03-03 10:00 UTC)),
            scored("phq9", 8.0, datetime!(2026-04-01 10:00 UTC)),
        ];
        let p = progress_of(&["phq9".to_string()], &list);
        let codes: Vec<&str> = p.iter().map(|i| i.instrument.code.as_str()).collect();
        assert_eq!(codes, ["phq9", "gad7"], "no HAM-D, no single ratings");
        assert_eq!(p[0].points.len(), 2);
        assert_eq!(p[0].points[0].band.as_deref(), Some("moderately_severe"));
        assert_eq!(p[0].points[1].band.as_deref(), Some("mild"));
        assert_eq!(p[0].change.as_ref().and_then(|c| c.response), Some(true));
        assert!(p[1].change.is_none(), "one score has no change");
    }
}
