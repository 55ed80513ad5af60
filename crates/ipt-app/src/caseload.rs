//! The caseload: each patient a clinician (or supervisor) is responsible for, with where their
//! course stands, the latest score and its direction, open risk alerts, and the signals that
//! call for attention (`ipt_domain::signals`).

use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::{Assessment, AssessmentStatus};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::Course;
use ipt_domain::ids::UserId;
use ipt_domain::measures::Catalogue;
use ipt_domain::patient::Patient;
use ipt_domain::session::Attendance;
use ipt_domain::signals::{ScorePoint, Signal, SignalFacts};
use time::Date;

use crate::ports::{AlertFilter, CaseloadRecord};
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
    /// What calls for attention, in caseload order; each explains itself.
    pub signals: Vec<Signal>,
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
                ids.extend(self.store.supervisees(*id).await?.into_iter().map(|u| u.id));
                Ok(ids)
            }
        }
    }

    pub async fn caseload(&self, actor: &Actor) -> Result<Vec<CaseloadRow>, AppError> {
        let mut rows = vec![];
        for owner in self.caseload_owners(actor).await? {
            // One transaction reads the whole caseload (patients, courses, sessions,
            // assessments) and audits each patient read: a page costs a few queries, not a few
            // per patient.
            let list_audit = self.audit(actor, "caseload.read", "user", owner.as_uuid(), None);
            let records = self.store.caseload_records(owner, &list_audit).await?;
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
            for record in records {
                rows.push(self.caseload_row(record, &alerts));
            }
        }
        rows.sort_by(|a, b| a.patient.name.as_str().cmp(b.patient.name.as_str()));
        Ok(rows)
    }

    fn caseload_row(&self, record: CaseloadRecord, alerts: &[RiskAlert]) -> CaseloadRow {
        let CaseloadRecord {
            patient,
            courses,
            sessions: all_sessions,
            assessments: all_assessments,
        } = record;
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
            signals: vec![],
        };
        let Some(course) = course else {
            row.signals = self.course_signals(None, &[], &[], row.open_alerts.len());
            return row;
        };
        let sessions: Vec<_> = all_sessions
            .into_iter()
            .filter(|x| x.course == course.id)
            .collect();
        row.sessions_attended = sessions
            .iter()
            .filter(|s| s.attendance == Attendance::Attended)
            .count();
        row.planned_sessions = course.planned_sessions();
        row.next_session = ipt_domain::session::next_planned(
            &sessions,
            course.status.is_open(),
            course.planned_sessions(),
        );
        let assessments: Vec<Assessment> = all_assessments
            .into_iter()
            .filter(|x| x.course == Some(course.id))
            .collect();
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
        row.signals = self.course_signals(
            Some(&course),
            &sessions,
            &assessments,
            row.open_alerts.len(),
        );
        row.course = Some(course);
        row
    }

    /// The signals of a caseload row, over the course's main measure
    /// (`ipt_domain::prompts::main_measure`: the first of the format's recommended instruments
    /// that has been given, else the outcome measure given last, never a session rating, else
    /// the format's first recommended instrument, whose schedule is then due).
    fn course_signals(
        &self,
        course: Option<&Course>,
        sessions: &[ipt_domain::session::TherapySession],
        assessments: &[Assessment],
        open_alerts: usize,
    ) -> Vec<Signal> {
        let Some(course) = course else {
            // No course yet: only the patient's alerts can call for attention.
            return (open_alerts > 0)
                .then_some(Signal::OpenAlerts { count: open_alerts })
                .into_iter()
                .collect();
        };
        let protocol = self.protocols.get(course.format);
        let code = ipt_domain::prompts::main_measure(protocol, assessments);
        let instrument = code.and_then(|c| Catalogue::builtin().get(c));
        let scores: Vec<ScorePoint> = code
            .map(|c| ipt_domain::prompts::score_points(c, assessments))
            .unwrap_or_default();
        crate::signals::evaluate(
            &SignalFacts {
                course,
                protocol,
                sessions,
                instrument,
                scores: &scores,
                open_alerts,
            },
            self.today(),
        )
    }
}
