//! The caseload: each patient a clinician (or supervisor) is responsible for, with where their
//! course stands, the latest score and its direction, and open risk alerts.

use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::AssessmentStatus;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::Course;
use ipt_domain::ids::UserId;
use ipt_domain::patient::Patient;
use ipt_domain::session::Attendance;
use time::Date;

use crate::ports::AlertFilter;
use crate::{App, AppError};

/// A score on the caseload: the latest final result of the course's main instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestScore {
    pub instrument: String,
    pub total: f64,
    pub severity: Option<String>,
    pub on: Date,
    /// The total before it, for the direction of change.
    pub previous: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct CaseloadRow {
    pub patient: Patient,
    /// The open course, or else the latest one.
    pub course: Option<Course>,
    pub sessions_attended: usize,
    pub planned_sessions: u16,
    pub next_session: Option<Date>,
    pub latest: Option<LatestScore>,
    pub open_alerts: Vec<RiskAlert>,
}

impl App {
    /// The clinicians whose patients `actor` may see on a caseload: a clinician sees their own;
    /// a supervisor their own and their supervisees'. Administrators see no clinical records.
    pub async fn caseload_owners(&self, actor: &Actor) -> Result<Vec<UserId>, AppError> {
        use ipt_domain::authz::{Action, Resource, can};
        if !can(actor, Action::ViewCaseload, &Resource::System).is_allowed() {
            return Err(AppError::Forbidden);
        }
        match actor {
            Actor::System => Ok(self
                .store
                .list_users()
                .await?
                .into_iter()
                .map(|u| u.id)
                .collect()),
            Actor::User {
                role: Role::Admin, ..
            } => Err(AppError::Forbidden),
            Actor::User {
                id,
                role: Role::Clinician,
            } => Ok(vec![*id]),
            Actor::User {
                id,
                role: Role::Supervisor,
            } => {
                let mut ids = vec![*id];
                ids.extend(
                    self.store
                        .list_users()
                        .await?
                        .into_iter()
                        .filter(|u| u.supervisor == Some(*id))
                        .map(|u| u.id),
                );
                Ok(ids)
            }
        }
    }

    pub async fn caseload(&self, actor: &Actor) -> Result<Vec<CaseloadRow>, AppError> {
        let mut rows = vec![];
        for owner in self.caseload_owners(actor).await? {
            let list_audit = self.audit(actor, "caseload.read", "user", owner.as_uuid(), None);
            let patients = self.store.list_patients(Some(owner), &list_audit).await?;
            let alert_audit = self.audit(actor, "risk_alert.list", "user", owner.as_uuid(), None);
            let alerts = self
                .store
                .alerts(
                    &AlertFilter {
                        clinician: Some(owner),
                        open_only: true,
                        ..Default::default()
                    },
                    &alert_audit,
                )
                .await?;
            for patient in patients {
                rows.push(self.caseload_row(actor, patient, &alerts).await?);
            }
        }
        rows.sort_by(|a, b| a.patient.name.as_str().cmp(b.patient.name.as_str()));
        Ok(rows)
    }

    async fn caseload_row(
        &self,
        actor: &Actor,
        patient: Patient,
        alerts: &[RiskAlert],
    ) -> Result<CaseloadRow, AppError> {
        let pid = Some(patient.id);
        let courses = self
            .store
            .courses_of_patient(
                patient.id,
                &self.audit(actor, "course.list", "patient", patient.id.as_uuid(), pid),
            )
            .await?;
        let course = courses
            .iter()
            .rev()
            .find(|c| c.status.is_open())
            .or(courses.last())
            .cloned();
        let mut row = CaseloadRow {
            open_alerts: alerts
                .iter()
                .filter(|a| a.patient == patient.id)
                .cloned()
                .collect(),
            patient,
            sessions_attended: 0,
            planned_sessions: 0,
            next_session: None,
            latest: None,
            course: None,
        };
        let Some(course) = course else { return Ok(row) };
        let cid = course.id.as_uuid();
        let sessions = self
            .store
            .sessions(
                course.id,
                &self.audit(actor, "session.read", "course", cid, pid),
            )
            .await?;
        row.sessions_attended = sessions
            .iter()
            .filter(|s| s.attendance == Attendance::Attended)
            .count();
        row.planned_sessions = course.planned_sessions();
        row.next_session = if course.status.is_open() {
            sessions.last().and_then(|s| s.next_date)
        } else {
            None
        };
        let assessments = self
            .store
            .assessments_of_course(
                course.id,
                &self.audit(actor, "assessment.read", "course", cid, pid),
            )
            .await?;
        // The format's main measure when it has been given, else whatever measure has.
        let recommended = &self.protocols.get(course.format).recommended_instruments;
        let scored = |code: &str| {
            assessments
                .iter()
                .filter(|a| a.status == AssessmentStatus::Final && a.instrument == code)
                .filter_map(|a| a.result.as_ref().and_then(|r| r.total.map(|t| (a, r, t))))
                .collect::<Vec<_>>()
        };
        let finals = recommended
            .iter()
            .map(|c| scored(c))
            .find(|v| !v.is_empty())
            .or_else(|| {
                assessments
                    .iter()
                    .rev()
                    .map(|a| scored(&a.instrument))
                    .find(|v| !v.is_empty())
            })
            .unwrap_or_default();
        if let Some((a, r, t)) = finals.last() {
            row.latest = Some(LatestScore {
                instrument: a.instrument.clone(),
                total: *t,
                severity: r.severity.clone(),
                on: a.administered_at.date(),
                previous: finals.len().checked_sub(2).map(|i| finals[i].2),
            });
        }
        row.course = Some(course);
        Ok(row)
    }
}
