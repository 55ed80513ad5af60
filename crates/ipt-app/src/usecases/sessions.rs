//! Use cases of the sessions part of a course: correcting a recorded session, the session mood
//! rating and goals (the termination phase's records are in `ending`).
//!
//! Every change goes through `course_with(…, Access::Write)`, so a supervisor or another
//! clinician is refused exactly as if the course did not exist, and every write carries its
//! audit event into the same transaction.

use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::Actor;
use ipt_domain::course::{Course, Goal, GoalInput};
use ipt_domain::ids::{CourseId, GoalId, SessionId};
use ipt_domain::rule::{Code, FieldError};
use ipt_domain::session::{SessionContext, SessionInput, TherapySession};
use time::OffsetDateTime;

use crate::access::{Access, WritableCourse};
use crate::ports::AuditEvent;
use crate::{App, AppError, new_id};

/// A session number taken by a session written meanwhile (the store's unique key) is refused
/// like one taken before: by its field.
fn number_taken(e: AppError, n: u16) -> AppError {
    match e {
        AppError::Duplicate(_) => AppError::Rejected(vec![
            FieldError::new("number", Code::SessionNumberTaken).number("n", i64::from(n)),
        ]),
        other => other,
    }
}

/// The instrument code of the single 0–10 mood rating asked at each session.
pub const SESSION_MOOD: &str = "session_mood";

impl App {
    /// The course's recorded sessions, read once (one audit row) for a use case that checks a
    /// session against them.
    async fn held_sessions(
        &self,
        actor: &Actor,
        course: &WritableCourse,
    ) -> Result<Vec<TherapySession>, AppError> {
        let read = self.audit(
            actor,
            "session.read",
            "course",
            course.id.as_uuid(),
            Some(course.patient),
        );
        Ok(self.store.sessions(course.id, &read).await?)
    }

    /// Record a new session from what a door was given (a page form, a JSON body): the core
    /// reads the input against the course, its format and its sessions, and either names every
    /// wrong field (`AppError::Rejected`) or writes the session with its mood rating in one
    /// transaction.
    pub async fn enter_session(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        input: &SessionInput,
    ) -> Result<TherapySession, AppError> {
        let held = self.held_sessions(actor, course).await?;
        let cx = SessionContext {
            course,
            protocol: self.protocols.get(course.format),
            held: &held,
            editing: None,
            today: self.today(),
        };
        let (session, mood) = input.read(new_id(), &cx).map_err(AppError::Rejected)?;
        let number = session.number;
        self.record_session_in(actor, course, session, mood)
            .await
            .map_err(|e| number_taken(e, number.get()))
    }

    /// Correct a recorded session from what a door was given. `version` is the one the user
    /// opened: a missing one is refused with the other fields, a stale one is a `Conflict` and
    /// nothing is saved. The mood rating is written again only when it changed.
    pub async fn correct_session(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        id: SessionId,
        version: Option<i64>,
        input: &SessionInput,
    ) -> Result<TherapySession, AppError> {
        let held = self.held_sessions(actor, course).await?;
        let stored = held
            .iter()
            .find(|s| s.id == id)
            .cloned()
            .ok_or(AppError::NotFound("session"))?;
        if let Some(v) = version
            && v != stored.version
        {
            return Err(AppError::Conflict {
                what: "session",
                expected: v,
                actual: stored.version,
            });
        }
        let cx = SessionContext {
            course,
            protocol: self.protocols.get(course.format),
            held: &held,
            editing: Some(&stored),
            today: self.today(),
        };
        let read = input.read(id, &cx);
        let (session, mood) = match (version, read) {
            (Some(_), Ok(x)) => x,
            (None, read) => {
                let mut refused = vec![FieldError::new("version", Code::VersionMissing)];
                refused.extend(read.err().unwrap_or_default());
                return Err(AppError::Rejected(refused));
            }
            (Some(_), Err(refused)) => return Err(AppError::Rejected(refused)),
        };
        let changed = match mood {
            Some(m) => (self.latest_session_mood(actor, course, id).await? != Some(m)).then_some(m),
            None => None,
        };
        let number = session.number;
        self.save_correction(actor, course, &stored, session, changed)
            .await
            .map_err(|e| number_taken(e, number.get()))
    }

    /// The latest mood rating recorded for a session, if any.
    async fn latest_session_mood(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        session: SessionId,
    ) -> Result<Option<u8>, AppError> {
        let read = self.audit(
            actor,
            "assessment.read",
            "course",
            course.id.as_uuid(),
            Some(course.patient),
        );
        Ok(self
            .store
            .assessments_of_course(course.id, &read)
            .await?
            .into_iter()
            .filter(|a| a.instrument == SESSION_MOOD && a.session == Some(session))
            .max_by_key(|a| a.administered_at)
            .and_then(|a| a.answers.first().copied().flatten()))
    }

    /// Save changes to a recorded session. The session must belong to its course and carry the
    /// version that was read; a stale copy is refused with `Conflict` and nothing is saved. A
    /// concern newly recorded in the risk review raises an alert in the same transaction.
    pub async fn update_session(
        &self,
        actor: &Actor,
        session: TherapySession,
    ) -> Result<TherapySession, AppError> {
        self.update_session_with_mood(actor, session, None).await
    }

    /// `update_session`, with a new 0–10 mood rating for the session when it changed, in the
    /// same transaction.
    pub async fn update_session_with_mood(
        &self,
        actor: &Actor,
        session: TherapySession,
        mood: Option<u8>,
    ) -> Result<TherapySession, AppError> {
        session.check()?;
        let course = self.writable_course(actor, session.course).await?;
        self.check_session(&course, &session, false)?;
        let held = self.held_sessions(actor, &course).await?;
        let stored = held
            .into_iter()
            .find(|s| s.id == session.id)
            .ok_or(AppError::NotFound("session"))?;
        if stored.version != session.version {
            return Err(AppError::Conflict {
                what: "session",
                expected: session.version,
                actual: stored.version,
            });
        }
        self.save_correction(actor, &course, &stored, session, mood)
            .await
    }

    /// Write a checked correction of `stored`, with a new mood rating if one is given: one
    /// transaction. Only a newly recorded concern raises an alert (one already recorded has its
    /// alert already).
    async fn save_correction(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        stored: &TherapySession,
        mut session: TherapySession,
        mood: Option<u8>,
    ) -> Result<TherapySession, AppError> {
        let pid = Some(course.patient);
        let alert = (session.risk_review.concern && !stored.risk_review.concern).then(|| {
            RiskAlert::from_session_concern(
                session.id,
                course.patient,
                course.id,
                new_id(),
                self.now(),
            )
        });
        let audit = self.audit(
            actor,
            "session.update",
            "session",
            session.id.as_uuid(),
            pid,
        );
        let mood = match mood {
            Some(rating) => Some(self.session_mood(actor, course, &session, rating)?),
            None => None,
        };
        session.version = self
            .store
            .update_session(
                &session,
                alert.as_ref(),
                mood.as_ref().map(|(m, a)| (m, a)),
                &audit,
            )
            .await?;
        Ok(session)
    }

    /// The patient's mood rating for a session as an assessment of its own (scored like any
    /// instrument), with its audit row, ready to be written with the session.
    ///
    /// A final rating is a record and is never overwritten: a correction is a new rating for the
    /// same session, and the latest one counts. The rating carries no phase, so that a single
    /// mood item never stands in for the end-of-treatment measure the completion guard asks for.
    pub(crate) fn session_mood(
        &self,
        actor: &Actor,
        course: &Course,
        session: &TherapySession,
        rating: u8,
    ) -> Result<(Assessment, AuditEvent), AppError> {
        let result = crate::measures::summarise(SESSION_MOOD, &[Some(rating)])?;
        let assessment = Assessment {
            id: new_id(),
            patient: course.patient,
            course: Some(course.id),
            session: Some(session.id),
            instrument: SESSION_MOOD.into(),
            answers: vec![Some(rating)],
            status: AssessmentStatus::Final,
            mode: AdministrationMode::Clinician,
            administered_at: OffsetDateTime::new_utc(session.date, self.now().time()),
            phase: None,
            result: Some(result),
            version: 1,
        };
        crate::final_needs_a_valid_result(&assessment)?;
        let audit = self.audit(
            actor,
            "assessment.create",
            "assessment",
            assessment.id.as_uuid(),
            Some(course.patient),
        );
        Ok((assessment, audit))
    }

    /// Add a goal from what a door was given.
    pub async fn enter_goal(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        input: &GoalInput,
    ) -> Result<Goal, AppError> {
        let mut goal = input.read(new_id(), None).map_err(AppError::Rejected)?;
        goal.version = 1;
        let audit = self.audit(
            actor,
            "goal.create",
            "goal",
            goal.id.as_uuid(),
            Some(course.patient),
        );
        self.store.add_goal(course.id, &goal, &audit).await?;
        Ok(goal)
    }

    /// Correct a goal from what a door was given. `version` is the one the user opened: a
    /// missing one is refused with the other fields, a stale one is a `Conflict`.
    pub async fn correct_goal(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        id: GoalId,
        version: Option<i64>,
        input: &GoalInput,
    ) -> Result<Goal, AppError> {
        let read = self.audit(
            actor,
            "goal.read",
            "course",
            course.id.as_uuid(),
            Some(course.patient),
        );
        let stored = self
            .store
            .goals(course.id, &read)
            .await?
            .into_iter()
            .find(|g| g.id == id)
            .ok_or(AppError::NotFound("goal"))?;
        let opened = Goal {
            version: version.unwrap_or(stored.version),
            ..stored
        };
        let mut goal = super::versioned(version, input.read(id, Some(&opened)))?;
        let audit = self.audit(
            actor,
            "goal.update",
            "goal",
            goal.id.as_uuid(),
            Some(course.patient),
        );
        goal.version = self.store.update_goal(course.id, &goal, &audit).await?;
        Ok(goal)
    }

    /// Change a goal's description, area, progress or status. The goal must belong to `course`
    /// and carry the version that was read.
    pub async fn update_goal(
        &self,
        actor: &Actor,
        course: CourseId,
        mut goal: Goal,
    ) -> Result<Goal, AppError> {
        goal.check()?;
        let c = self.course_with(actor, course, Access::Write).await?;
        let audit = self.audit(
            actor,
            "goal.update",
            "goal",
            goal.id.as_uuid(),
            Some(c.patient),
        );
        goal.version = self.store.update_goal(course, &goal, &audit).await?;
        Ok(goal)
    }
}
