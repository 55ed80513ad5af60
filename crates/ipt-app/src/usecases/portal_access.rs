//! Portal access and questionnaires: the clinician's side (invitations, assigned
//! questionnaires, kiosk mode) and the patient's (accepting an invitation, signing in with a
//! portal code and passphrase, answering, reviewing and submitting questionnaires).
//!
//! Tokens, codes and passphrases never reach storage in the clear: the invitation token and the
//! portal code are kept as SHA-256 hashes (they are looked up), the passphrase as Argon2id.
//! Argon2 is slow on purpose, so the caller passes the function that runs it (the web runs it on
//! a blocking thread); the use cases only decide when it runs.
//!
//! The patient's side reaches only the patient's own records: every id (assignment, assessment)
//! is looked up inside the patient's portal course, and anything else answers "not found".

use std::net::IpAddr;

use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::Actor;
use ipt_domain::course::Course;
use ipt_domain::ids::{AssessmentId, AssignmentId, CourseId, InvitationId, PatientId, UserId};
use ipt_domain::measures::{Catalogue, Instrument, TextPack, Unavailable};
use ipt_domain::patient::Patient;
use ipt_domain::portal::{
    Assignment, Due, Invitation, InvitationState, PortalAccess, PortalError, PortalSession,
    Schedule, check_passphrase,
};
use ipt_domain::rule::{Code, FieldError};
use ipt_domain::session::Attendance;
use sha2::{Digest, Sha256};
use time::Duration;
use uuid::Uuid;

use crate::access::Access;
use crate::ports::{AlertFilter, AuditEvent, StoreError, UserRecord};
use crate::usecases::portal::PortalPatient;
use crate::usecases::throttle::Secret;
use crate::{App, AppError, new_id, password};

// ---- Portal codes ------------------------------------------------------------------------------

/// The characters of a portal code: digits and capital letters without the look-alikes
/// (0/O, 1/I/L), so a code copied by hand from paper is read back right.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Ten characters from 31: about 50 bits, far beyond guessing with throttled attempts.
pub const CODE_LEN: usize = 10;

/// A new random portal code (unformatted).
pub fn new_portal_code() -> String {
    // Rejection sampling keeps every character equally likely: 248 = 8 × 31.
    let limit = (256 / CODE_ALPHABET.len() * CODE_ALPHABET.len()) as u8;
    let mut out = String::with_capacity(CODE_LEN);
    while out.len() < CODE_LEN {
        let mut buf = [0u8; 32];
        getrandom::fill(&mut buf).expect("the operating system provides randomness");
        for b in buf {
            if b < limit && out.len() < CODE_LEN {
                out.push(CODE_ALPHABET[usize::from(b) % CODE_ALPHABET.len()] as char);
            }
        }
    }
    out
}

/// A code as typed back (any case, with spaces or dashes) in its stored form, or None when it
/// cannot be a portal code.
pub fn normalise_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// A code in two groups of five, the way it is shown: `7KX4M-P2QRT`.
pub fn format_code(code: &str) -> String {
    if code.len() == CODE_LEN {
        format!("{}-{}", &code[..5], &code[5..])
    } else {
        code.to_string()
    }
}

/// The SHA-256 of a normalised code, as stored.
pub fn hash_code(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---- Errors ------------------------------------------------------------------------------------

/// Why a patient could not get in. Every unusable invitation answers alike, so an answer never
/// tells whether a token exists.
#[derive(Debug, thiserror::Error)]
pub enum PortalAccessError {
    #[error("this invitation link cannot be used")]
    InvitationUnusable,
    #[error(transparent)]
    Passphrase(#[from] PortalError),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for PortalAccessError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

/// Why a questionnaire cannot be assigned.
#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    #[error("unknown questionnaire '{0}'")]
    UnknownInstrument(String),
    /// Ratings of our own made within a session (session mood, goal progress).
    #[error("{0} is recorded during sessions and is not sent as a questionnaire")]
    NotAQuestionnaire(String),
    #[error(transparent)]
    NotOffered(Unavailable),
    #[error("{0} is already assigned in this course; stop it first to change how often")]
    AlreadyAssigned(String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for AssignError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

/// Why answers were refused. Nothing is written when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// The value is not one of the item's answers (the item's label).
    #[error("the answer to question {0} is not one of its choices")]
    NotAllowed(String),
    /// Questions still without an answer when submitting (their labels).
    #[error("questions {} have no answer yet", .0.join(", "))]
    Unanswered(Vec<String>),
    /// Not waiting for the patient now, and nothing was started.
    #[error("this questionnaire is not waiting for answers now")]
    NotDue,
    /// No answers were saved yet, so there is nothing to send.
    #[error("no answers have been saved yet")]
    NothingSaved,
    /// The questionnaire has no text in the patient's language.
    #[error(transparent)]
    NotOffered(Unavailable),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for AnswerError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

// ---- What the use cases return ---------------------------------------------------------------

/// An invitation with where it stands now.
#[derive(Debug, Clone)]
pub struct InvitationView {
    pub invitation: Invitation,
    pub state: InvitationState,
}

/// An instrument the clinician may or may not send to this patient, and why not.
#[derive(Debug)]
pub struct Offer {
    pub instrument: &'static Instrument,
    pub refused: Option<AssignError>,
}

/// One assigned questionnaire as the patient sees it.
#[derive(Debug, Clone)]
pub struct PortalQuestionnaire {
    pub assignment: Assignment,
    pub instrument: &'static Instrument,
    pub due: Due,
    /// Answers saved and not yet sent.
    pub draft: Option<Assessment>,
    /// The latest answers the patient sent through the portal.
    pub last: Option<Assessment>,
    /// Whether the questionnaire has text in the patient's language.
    pub unavailable: Option<Unavailable>,
}

impl PortalQuestionnaire {
    /// Whether the patient can answer it now: due, or already started.
    pub fn open(&self) -> bool {
        self.unavailable.is_none() && (self.due == Due::Now || self.draft.is_some())
    }
}

/// The patient's questionnaires: their portal course and what was assigned in it.
#[derive(Debug, Clone, Default)]
pub struct PortalQuestionnaires {
    pub course: Option<Course>,
    pub items: Vec<PortalQuestionnaire>,
}

/// After saving answers: the draft, and any risk item answered positively on it.
#[derive(Debug, Clone)]
pub struct SavedAnswers {
    /// None when nothing had been answered yet and nothing was written.
    pub draft: Option<Assessment>,
    pub risk_items: Vec<u16>,
    /// Whether this save raised the clinician's alert.
    pub alert_raised: bool,
}

/// Whether an assessment was made on the portal (by the patient, on their device or a kiosk).
pub fn patient_mode(a: &Assessment) -> bool {
    matches!(
        a.mode,
        AdministrationMode::SelfReport | AdministrationMode::Kiosk
    )
}

/// Risk items answered positively so far (risk does not wait for a total).
pub fn risk_items_of(instrument: &str, answers: &[Option<u8>]) -> Vec<u16> {
    crate::measures::summarise(instrument, answers)
        .map(|s| s.risk_items)
        .unwrap_or_default()
}

impl App {
    // ---- Clinician side: invitations ------------------------------------------------------

    /// Create an invitation for a patient. The caller made the random token and passes its
    /// hash; the link lasts `hours`, as the door was given it: a whole number within
    /// `Invitation::MIN_HOURS..=MAX_HOURS`.
    pub async fn create_invitation(
        &self,
        actor: &Actor,
        patient: PatientId,
        token_hash: &str,
        hours: &str,
    ) -> Result<Invitation, AppError> {
        let p = self.patient_with(actor, patient, Access::Write).await?;
        let (min, max) = (Invitation::MIN_HOURS, Invitation::MAX_HOURS);
        let hours =
            ipt_domain::input::whole_number("hours", Some(hours), min, max).and_then(|h| {
                h.ok_or_else(|| {
                    FieldError::new("hours", Code::NumberOutOfRange)
                        .number("min", min)
                        .number("max", max)
                })
            })?;
        let lifetime =
            Invitation::lifetime(hours).map_err(|e| AppError::Internal(e.to_string()))?;
        // Invitations are created by a signed-in clinician, never by the system.
        let Some(by) = actor.user_id() else {
            return Err(AppError::Forbidden);
        };
        let now = self.now();
        let invitation = Invitation {
            id: new_id(),
            patient: p.id,
            token_hash: token_hash.to_string(),
            created_by: by,
            created_at: now,
            expires_at: now + lifetime,
            revoked_at: None,
            accepted_at: None,
        };
        let audit = self.audit(
            actor,
            "invitation.create",
            "portal_invitation",
            invitation.id.as_uuid(),
            Some(p.id),
        );
        self.store.create_invitation(&invitation, &audit).await?;
        Ok(invitation)
    }

    /// A patient's invitations, newest first, with their state now.
    pub async fn invitations(
        &self,
        actor: &Actor,
        patient: PatientId,
    ) -> Result<Vec<InvitationView>, AppError> {
        let p = self.patient_with(actor, patient, Access::Read).await?;
        let audit = self.audit(
            actor,
            "invitation.list",
            "patient",
            p.id.as_uuid(),
            Some(p.id),
        );
        let now = self.now();
        let mut list: Vec<InvitationView> = self
            .store
            .invitations_of_patient(p.id, &audit)
            .await?
            .into_iter()
            .map(|invitation| InvitationView {
                state: invitation.state(now),
                invitation,
            })
            .collect();
        list.sort_by_key(|v| std::cmp::Reverse(v.invitation.created_at));
        Ok(list)
    }

    /// Revoke one of a patient's open invitations; its link stops working at once.
    pub async fn revoke_invitation(
        &self,
        actor: &Actor,
        patient: PatientId,
        id: InvitationId,
    ) -> Result<(), AppError> {
        self.patient_with(actor, patient, Access::Write).await?;
        let found = self
            .invitations(actor, patient)
            .await?
            .into_iter()
            .find(|v| v.invitation.id == id)
            .ok_or(AppError::NotFound("invitation"))?;
        if found.state != InvitationState::Open {
            return Err(FieldError::new("invitation", Code::InvitationNotOpen).into());
        }
        let audit = self.audit(
            actor,
            "invitation.revoke",
            "portal_invitation",
            id.as_uuid(),
            Some(patient),
        );
        self.store.revoke_invitation(id, self.now(), &audit).await?;
        Ok(())
    }

    /// Whether the patient has set up their portal access, and when.
    pub async fn portal_access_of(
        &self,
        actor: &Actor,
        patient: PatientId,
    ) -> Result<Option<time::OffsetDateTime>, AppError> {
        self.patient_with(actor, patient, Access::Read).await?;
        Ok(self.store.portal_access(patient).await?.map(|a| a.set_at))
    }

    // ---- Clinician side: questionnaires ---------------------------------------------------

    /// Whether `code` may be sent to a patient who reads `language`, and its text if so.
    pub fn offer(&self, code: &str, language: &str) -> Result<&TextPack, AssignError> {
        let instrument = Catalogue::builtin()
            .get(code)
            .ok_or_else(|| AssignError::UnknownInstrument(code.chars().take(40).collect()))?;
        if Assessment::NOT_OUTCOME_MEASURES.contains(&instrument.code.as_str()) {
            return Err(AssignError::NotAQuestionnaire(
                instrument.short_name.clone(),
            ));
        }
        self.text_packs
            .for_patient(instrument, language)
            .map_err(AssignError::NotOffered)
    }

    /// Every instrument of the catalogue, with the reason it cannot be sent where it cannot.
    pub fn offers(&self, language: &str) -> Vec<Offer> {
        Catalogue::builtin()
            .instruments()
            .iter()
            .map(|instrument| Offer {
                instrument,
                refused: self.offer(&instrument.code, language).err(),
            })
            .collect()
    }

    /// The questionnaires assigned in a course, oldest first.
    pub async fn course_assignments(
        &self,
        actor: &Actor,
        course: CourseId,
    ) -> Result<Vec<Assignment>, AppError> {
        let c = self.course_with(actor, course, Access::Read).await?;
        let audit = self.audit(
            actor,
            "assignment.list",
            "course",
            course.as_uuid(),
            Some(c.patient),
        );
        let mut list = self.store.assignments_of_course(course, &audit).await?;
        list.sort_by_key(|a| (a.assigned_on, a.id));
        Ok(list)
    }

    /// Ask the patient to fill in a questionnaire on the portal. Clinician-rated instruments
    /// (HAM-D) and instruments without text in the patient's language are refused with the
    /// reason; so is a second active assignment of the same instrument in the course.
    pub async fn assign_questionnaire(
        &self,
        actor: &Actor,
        course: CourseId,
        code: &str,
        schedule: Schedule,
    ) -> Result<Assignment, AssignError> {
        let c = self.course_with(actor, course, Access::Write).await?;
        let patient = self.patient_with(actor, c.patient, Access::Write).await?;
        let pack = self.offer(code, patient.language.code())?;
        let instrument = pack.instrument.clone();
        let active = self
            .course_assignments(actor, course)
            .await?
            .into_iter()
            .any(|a| a.instrument == instrument && a.ended_on.is_none());
        if active {
            let name = Catalogue::builtin()
                .get(&instrument)
                .map(|i| i.short_name.clone())
                .unwrap_or_else(|| instrument.clone());
            return Err(AssignError::AlreadyAssigned(name));
        }
        let assignment = Assignment {
            id: new_id(),
            course,
            patient: c.patient,
            instrument,
            schedule,
            assigned_by: actor.user_id().unwrap_or(c.clinician),
            assigned_on: self.today(),
            ended_on: None,
            version: 1,
        };
        let audit = self.audit(
            actor,
            "assignment.create",
            "questionnaire_assignment",
            assignment.id.as_uuid(),
            Some(c.patient),
        );
        self.store.add_assignment(&assignment, &audit).await?;
        Ok(assignment)
    }

    /// Stop an assignment from today: it is no longer offered. `version` is the one read.
    pub async fn stop_assignment(
        &self,
        actor: &Actor,
        course: CourseId,
        id: AssignmentId,
        version: i64,
    ) -> Result<Assignment, AppError> {
        let c = self.course_with(actor, course, Access::Write).await?;
        let mut assignment = self
            .course_assignments(actor, course)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(AppError::NotFound("assignment"))?;
        if assignment.version != version {
            return Err(AppError::Conflict {
                what: "assignment",
                expected: version,
                actual: assignment.version,
            });
        }
        if assignment.ended_on.is_some() {
            return Err(FieldError::new("assignment", Code::AssignmentStopped).into());
        }
        assignment.ended_on = Some(self.today());
        let audit = self.audit(
            actor,
            "assignment.stop",
            "questionnaire_assignment",
            id.as_uuid(),
            Some(c.patient),
        );
        assignment.version = self.store.update_assignment(&assignment, &audit).await?;
        Ok(assignment)
    }

    /// A clinician hands a clinic device to their patient: a portal session in kiosk mode,
    /// which only the same clinician's password ends. The caller made the token.
    pub async fn start_kiosk(
        &self,
        actor: &Actor,
        patient: PatientId,
        token_hash: &str,
        idle: Duration,
    ) -> Result<PortalSession, AppError> {
        let p = self.patient_with(actor, patient, Access::Write).await?;
        // Kiosk mode is started by a signed-in clinician, never by the system.
        let Some(clinician) = actor.user_id() else {
            return Err(AppError::Forbidden);
        };
        let now = self.now();
        let session = PortalSession {
            token_hash: token_hash.to_string(),
            patient: p.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + idle,
            kiosk_by: Some(clinician),
        };
        let audit = self.audit(
            actor,
            "portal.kiosk_start",
            "patient",
            p.id.as_uuid(),
            Some(p.id),
        );
        self.store.create_portal_session(&session, &audit).await?;
        Ok(session)
    }

    // ---- Patient side: getting in ----------------------------------------------------------

    /// An audit event for something that happened on the portal before anyone signed in.
    fn visitor_audit(
        &self,
        actor: Option<UserId>,
        action: &str,
        entity: &str,
        entity_id: Uuid,
        patient: PatientId,
    ) -> AuditEvent {
        AuditEvent {
            id: new_id(),
            at: self.now(),
            actor,
            action: format!("portal.{action}"),
            entity: entity.to_string(),
            entity_id,
            patient: Some(patient),
        }
    }

    /// Record a refused attempt that concerned a patient. The store writes audit rows with the
    /// reads and writes they record, so the attempt is recorded with a read of that patient.
    async fn audit_refused(&self, audit: AuditEvent) -> Result<(), AppError> {
        let Some(patient) = audit.patient else {
            return Ok(());
        };
        self.store.patient(patient, &audit).await?;
        Ok(())
    }

    /// The open invitation behind a token hash, and its patient. Unknown, expired, revoked and
    /// used invitations all answer `InvitationUnusable`; a refused use of a real one is audited.
    /// Unusable ones count as failed attempts from `from` (`usecases::throttle`), and a caller
    /// over the limit is answered `Throttled` before anything is looked up.
    pub async fn open_invitation(
        &self,
        token_hash: &str,
        from: IpAddr,
    ) -> Result<(Invitation, Patient), PortalAccessError> {
        self.refuse_if_locked(Secret::Invitation, from).await?;
        match self.open_invitation_unthrottled(token_hash).await {
            Err(PortalAccessError::InvitationUnusable) => {
                self.count_failure(Secret::Invitation, from).await?;
                Err(PortalAccessError::InvitationUnusable)
            }
            other => other,
        }
    }

    async fn open_invitation_unthrottled(
        &self,
        token_hash: &str,
    ) -> Result<(Invitation, Patient), PortalAccessError> {
        let Some(invitation) = self.store.invitation_by_hash(token_hash).await? else {
            return Err(PortalAccessError::InvitationUnusable);
        };
        let state = invitation.state(self.now());
        let action = if state == InvitationState::Open {
            "invitation.open"
        } else {
            "invitation.refused"
        };
        let audit = self.visitor_audit(
            None,
            action,
            "portal_invitation",
            invitation.id.as_uuid(),
            invitation.patient,
        );
        let patient = self.store.patient(invitation.patient, &audit).await?;
        match patient {
            Some(p) if state == InvitationState::Open => Ok((invitation, p)),
            _ => Err(PortalAccessError::InvitationUnusable),
        }
    }

    /// Accept an invitation opened with `open_invitation`: check the passphrase, make the portal
    /// code, hash both, and store them (the store marks the invitation accepted, spends the
    /// patient's other open invitations and ends earlier portal sign-ins, in one transaction).
    /// Returns the code, to show the patient once.
    pub async fn accept_invitation(
        &self,
        invitation: &Invitation,
        passphrase: &str,
        confirm: &str,
    ) -> Result<String, PortalAccessError> {
        if invitation.state(self.now()) != InvitationState::Open {
            return Err(PortalAccessError::InvitationUnusable);
        }
        check_passphrase(passphrase, confirm)?;
        let passphrase_hash = self.hash_secret(passphrase).await?;
        // A code already in use (vanishingly unlikely) is refused by the store: draw again.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let code = new_portal_code();
            let access = PortalAccess {
                patient: invitation.patient,
                code_hash: hash_code(&code),
                passphrase_hash: passphrase_hash.clone(),
                set_at: self.now(),
            };
            let audit = self.visitor_audit(
                None,
                "invitation.accept",
                "portal_invitation",
                invitation.id.as_uuid(),
                invitation.patient,
            );
            match self
                .store
                .accept_invitation(invitation.id, self.now(), &access, &audit)
                .await
            {
                Ok(()) => return Ok(code),
                Err(StoreError::NotFound { .. }) => {
                    return Err(PortalAccessError::InvitationUnusable);
                }
                Err(StoreError::Duplicate(_)) if attempts < 3 => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Check a portal code and passphrase; the patient when both are right. An unknown code
    /// costs one Argon2 verification like a wrong passphrase, and a wrong passphrase for a
    /// real code is audited.
    pub async fn portal_sign_in(
        &self,
        code: &str,
        passphrase: &str,
        from: IpAddr,
    ) -> Result<Option<PatientId>, AppError> {
        let attempt = self.begin_attempt(Secret::PortalCode(code), from).await?;
        let access = match normalise_code(code) {
            Some(c) => self.store.portal_access_by_code(&hash_code(&c)).await?,
            None => None,
        };
        let stored = access
            .as_ref()
            .map(|a| a.passphrase_hash.clone())
            .unwrap_or_else(|| password::dummy_hash().to_string());
        let ok = self.check_secret(passphrase, stored).await;
        self.end_attempt(attempt, ok && access.is_some()).await?;
        match access {
            Some(a) if ok => Ok(Some(a.patient)),
            Some(a) => {
                let audit = self.visitor_audit(
                    None,
                    "sign_in.refused",
                    "patient",
                    a.patient.as_uuid(),
                    a.patient,
                );
                self.audit_refused(audit).await?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// Start a portal sign-in for a patient whose code and passphrase were checked. The caller
    /// made the token.
    pub async fn start_portal_session(
        &self,
        patient: PatientId,
        token_hash: &str,
        idle: Duration,
    ) -> Result<PortalSession, AppError> {
        let now = self.now();
        let session = PortalSession {
            token_hash: token_hash.to_string(),
            patient,
            created_at: now,
            last_seen_at: now,
            expires_at: now + idle,
            kiosk_by: None,
        };
        let audit = self.visitor_audit(None, "sign_in", "patient", patient.as_uuid(), patient);
        self.store.create_portal_session(&session, &audit).await?;
        Ok(session)
    }

    pub async fn portal_sign_out(&self, who: &PortalPatient) -> Result<(), AppError> {
        let audit = self.portal_audit(who, "sign_out", "patient", who.id().as_uuid());
        self.store
            .delete_portal_session(&who.token_hash, &audit)
            .await?;
        Ok(())
    }

    /// Leave kiosk mode: the clinician who started it types their password. On success the
    /// portal session ends and the clinician is returned (the caller signs them back in); a
    /// wrong password is audited and answers None.
    pub async fn end_kiosk(
        &self,
        who: &PortalPatient,
        password: &str,
        from: IpAddr,
    ) -> Result<Option<UserRecord>, AppError> {
        let Some(clinician) = who.kiosk_by else {
            return Err(AppError::NotFound("kiosk session"));
        };
        let attempt = self.begin_attempt(Secret::Kiosk(clinician), from).await?;
        let user = self.store.user(clinician).await?;
        let stored = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| password::dummy_hash().to_string());
        let ok = self.check_secret(password, stored).await;
        let right = ok && user.as_ref().is_some_and(|u| u.active);
        self.end_attempt(attempt, right).await?;
        match user {
            Some(u) if right => {
                let audit = self.portal_audit(who, "kiosk_end", "patient", who.id().as_uuid());
                self.store
                    .delete_portal_session(&who.token_hash, &audit)
                    .await?;
                Ok(Some(u))
            }
            _ => {
                let audit =
                    self.portal_audit(who, "kiosk_end.refused", "patient", who.id().as_uuid());
                self.audit_refused(audit).await?;
                Ok(None)
            }
        }
    }

    // ---- Patient side: questionnaires ------------------------------------------------------

    /// The questionnaires assigned in the patient's portal course, those waiting now first.
    /// Stopped assignments are left out unless answers to them were started.
    pub async fn portal_questionnaires(
        &self,
        who: &PortalPatient,
    ) -> Result<PortalQuestionnaires, AppError> {
        let Some(course) = self.portal_course(who).await? else {
            return Ok(PortalQuestionnaires::default());
        };
        let id = course.id.as_uuid();
        let assignments = self
            .store
            .assignments_of_course(
                course.id,
                &self.portal_audit(who, "assignment.list", "course", id),
            )
            .await?;
        let assessments: Vec<Assessment> = self
            .store
            .assessments_of_course(
                course.id,
                &self.portal_audit(who, "assessment.list", "course", id),
            )
            .await?
            .into_iter()
            .filter(|a| a.patient == who.id())
            .collect();
        let today = self.today();
        let last_attended = self
            .store
            .sessions(
                course.id,
                &self.portal_audit(who, "session.list", "course", id),
            )
            .await?
            .iter()
            .filter(|s| s.attendance == Attendance::Attended && s.date <= today)
            .map(|s| s.date)
            .max();
        let language = who.patient.language.code();
        let mut items: Vec<PortalQuestionnaire> = assignments
            .into_iter()
            .filter(|a| a.patient == who.id())
            .filter_map(|assignment| {
                let instrument = Catalogue::builtin().get(&assignment.instrument)?;
                let of_instrument = |a: &&Assessment| a.instrument == assignment.instrument;
                let completed: Vec<time::Date> = assessments
                    .iter()
                    .filter(of_instrument)
                    .filter(|a| a.status == AssessmentStatus::Final)
                    .map(|a| a.administered_at.date())
                    .collect();
                let draft = assessments
                    .iter()
                    .filter(of_instrument)
                    .filter(|a| a.status == AssessmentStatus::Draft && patient_mode(a))
                    .max_by_key(|a| a.administered_at)
                    .cloned();
                let last = assessments
                    .iter()
                    .filter(of_instrument)
                    .filter(|a| a.status == AssessmentStatus::Final && patient_mode(a))
                    .max_by_key(|a| a.administered_at)
                    .cloned();
                let due = assignment.due(&completed, last_attended, today);
                if assignment.ended_on.is_some() && draft.is_none() && last.is_none() {
                    return None;
                }
                let unavailable = self.text_packs.for_patient(instrument, language).err();
                Some(PortalQuestionnaire {
                    assignment,
                    instrument,
                    due,
                    draft,
                    last,
                    unavailable,
                })
            })
            .collect();
        let rank = |q: &PortalQuestionnaire| match (q.open(), q.due) {
            (true, _) => 0,
            (false, Due::Later(_)) => 1,
            _ => 2,
        };
        items.sort_by_key(|q| (rank(q), q.assignment.assigned_on, q.assignment.id));
        Ok(PortalQuestionnaires {
            course: Some(course),
            items,
        })
    }

    /// One of the patient's assigned questionnaires, or "not found" for any other id.
    pub async fn portal_questionnaire(
        &self,
        who: &PortalPatient,
        id: AssignmentId,
    ) -> Result<(Course, PortalQuestionnaire), AppError> {
        let all = self.portal_questionnaires(who).await?;
        let course = all.course.ok_or(AppError::NotFound("assignment"))?;
        let q = all
            .items
            .into_iter()
            .find(|q| q.assignment.id == id)
            .ok_or(AppError::NotFound("assignment"))?;
        Ok((course, q))
    }

    /// Whether an alert was raised for this assessment already (one alert per assessment).
    async fn alert_raised_for(
        &self,
        who: &PortalPatient,
        assessment: AssessmentId,
    ) -> Result<bool, AppError> {
        let audit = self.portal_audit(who, "risk_alert.list", "assessment", assessment.as_uuid());
        let filter = AlertFilter {
            patient: Some(who.id()),
            ..Default::default()
        };
        Ok(self
            .store
            .alerts(&filter, &audit)
            .await?
            .iter()
            .any(|a| a.assessment == Some(assessment)))
    }

    /// Save answers to a questionnaire as a draft: `(item id, answer)` pairs, `None` clearing an
    /// answer. The first answer starts the draft; later ones update it (`version` is the one
    /// read). A risk item answered positively raises the clinician's alert in the same
    /// transaction, once per assessment.
    pub async fn portal_save_answers(
        &self,
        who: &PortalPatient,
        id: AssignmentId,
        changes: &[(String, Option<u8>)],
        version: i64,
    ) -> Result<SavedAnswers, AnswerError> {
        let (course, q) = self.portal_questionnaire(who, id).await?;
        if let Some(u) = q.unavailable {
            return Err(AnswerError::NotOffered(u));
        }
        if !q.open() {
            return Err(AnswerError::NotDue);
        }
        let inst = q.instrument;
        let mut answers = q
            .draft
            .as_ref()
            .map(|d| d.answers.clone())
            .unwrap_or_default();
        answers.resize(inst.items.len(), None);
        let before = answers.clone();
        for (item_id, value) in changes {
            let Some(k) = inst.items.iter().position(|i| &i.id == item_id) else {
                return Err(AnswerError::NotAllowed(item_id.chars().take(20).collect()));
            };
            let item = &inst.items[k];
            if let Some(v) = value
                && !inst.scale_of(item).allows(u32::from(*v))
            {
                return Err(AnswerError::NotAllowed(item.label.clone()));
            }
            answers[k] = *value;
        }
        // Alternative ratings of one item: only one may be given.
        for (k, item) in inst.items.iter().enumerate() {
            if let Some(head) = &item.alternative_of
                && let Some(h) = inst.items.iter().position(|i| &i.id == head)
                && answers[k].is_some()
                && answers[h].is_some()
            {
                return Err(AnswerError::NotAllowed(item.label.clone()));
            }
        }
        let risk_items = risk_items_of(&inst.code, &answers);
        let Some(mut draft) = q.draft else {
            if answers.iter().all(Option::is_none) {
                return Ok(SavedAnswers {
                    draft: None,
                    risk_items,
                    alert_raised: false,
                });
            }
            let draft = Assessment {
                id: new_id(),
                patient: who.id(),
                course: Some(course.id),
                session: None,
                instrument: inst.code.clone(),
                answers,
                status: AssessmentStatus::Draft,
                mode: portal_mode(who),
                administered_at: self.now(),
                phase: course.status.phase(),
                result: None,
                version: 1,
            };
            let alert = RiskAlert::from_draft(&draft, &risk_items, new_id(), self.now());
            let audit =
                self.portal_audit(who, "assessment.create", "assessment", draft.id.as_uuid());
            self.store
                .add_assessment(&draft, alert.as_ref(), &audit)
                .await?;
            return Ok(SavedAnswers {
                draft: Some(draft),
                alert_raised: alert.is_some(),
                risk_items,
            });
        };
        if draft.version != version {
            return Err(AppError::Conflict {
                what: "assessment",
                expected: version,
                actual: draft.version,
            }
            .into());
        }
        if answers == before {
            return Ok(SavedAnswers {
                draft: Some(draft),
                risk_items,
                alert_raised: false,
            });
        }
        draft.answers = answers;
        draft.administered_at = self.now();
        let alert = if risk_items.is_empty() || self.alert_raised_for(who, draft.id).await? {
            None
        } else {
            RiskAlert::from_draft(&draft, &risk_items, new_id(), self.now())
        };
        let audit = self.portal_audit(who, "assessment.update", "assessment", draft.id.as_uuid());
        draft.version = self
            .store
            .update_assessment(&draft, alert.as_ref(), &audit)
            .await?;
        Ok(SavedAnswers {
            draft: Some(draft),
            alert_raised: alert.is_some(),
            risk_items,
        })
    }

    /// Send the reviewed answers: the draft becomes a final, scored assessment. Every scored
    /// question needs an answer; otherwise nothing is written and the questions are named. A
    /// positive risk item raises the alert here unless the draft already did.
    pub async fn portal_submit(
        &self,
        who: &PortalPatient,
        id: AssignmentId,
        version: i64,
    ) -> Result<Assessment, AnswerError> {
        let (course, q) = self.portal_questionnaire(who, id).await?;
        if let Some(u) = q.unavailable {
            return Err(AnswerError::NotOffered(u));
        }
        let Some(mut draft) = q.draft else {
            return Err(AnswerError::NothingSaved);
        };
        if draft.version != version {
            return Err(AppError::Conflict {
                what: "assessment",
                expected: version,
                actual: draft.version,
            }
            .into());
        }
        let inst = q.instrument;
        draft.answers.resize(inst.items.len(), None);
        let unanswered: Vec<String> = inst
            .items
            .iter()
            .zip(&draft.answers)
            .filter(|(item, a)| item.scored && item.alternative_of.is_none() && a.is_none())
            .filter(|(item, _)| {
                // A group of alternative ratings is answered when any member is.
                !inst.items.iter().enumerate().any(|(k, other)| {
                    other.alternative_of.as_deref() == Some(item.id.as_str())
                        && draft.answers[k].is_some()
                })
            })
            .map(|(item, _)| item.label.clone())
            .collect();
        if !unanswered.is_empty() {
            return Err(AnswerError::Unanswered(unanswered));
        }
        let summary = crate::measures::summarise(&inst.code, &draft.answers)?;
        if !summary.valid {
            return Err(AppError::from(ipt_domain::rule::FieldError::new(
                "answers",
                ipt_domain::rule::Code::FinalNeedsAValidResult,
            ))
            .into());
        }
        draft.status = AssessmentStatus::Final;
        draft.result = Some(summary);
        draft.administered_at = self.now();
        draft.phase = course.status.phase();
        let alert = if self.alert_raised_for(who, draft.id).await? {
            None
        } else {
            RiskAlert::from_assessment(&draft, new_id(), self.now())
        };
        let audit = self.portal_audit(who, "assessment.submit", "assessment", draft.id.as_uuid());
        draft.version = self
            .store
            .update_assessment(&draft, alert.as_ref(), &audit)
            .await?;
        Ok(draft)
    }

    /// Answers the patient sent for this assignment, or "not found" for anything else.
    pub async fn portal_result(
        &self,
        who: &PortalPatient,
        assignment: AssignmentId,
        id: AssessmentId,
    ) -> Result<(PortalQuestionnaire, Assessment), AppError> {
        let (course, q) = self.portal_questionnaire(who, assignment).await?;
        let audit = self.portal_audit(who, "assessment.read", "assessment", id.as_uuid());
        let a = self
            .store
            .assessments_of_course(course.id, &audit)
            .await?
            .into_iter()
            .find(|a| {
                a.id == id
                    && a.patient == who.id()
                    && a.instrument == q.assignment.instrument
                    && a.status == AssessmentStatus::Final
                    && patient_mode(a)
            })
            .ok_or(AppError::NotFound("assessment"))?;
        Ok((q, a))
    }
}

/// Kiosk answers are marked as given on a clinic device.
fn portal_mode(who: &PortalPatient) -> AdministrationMode {
    if who.kiosk_by.is_some() {
        AdministrationMode::Kiosk
    } else {
        AdministrationMode::SelfReport
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_unambiguous_characters_and_read_back_however_typed() {
        let code = new_portal_code();
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        for look_alike in [b'0', b'O', b'1', b'I', b'L'] {
            assert!(!CODE_ALPHABET.contains(&look_alike));
        }
        let shown = format_code(&code);
        assert_eq!(shown.len(), CODE_LEN + 1);
        assert_eq!(normalise_code(&shown).as_deref(), Some(code.as_str()));
        assert_eq!(
            normalise_code(&format!(" {} ", shown.to_lowercase().replace('-', " "))).as_deref(),
            Some(code.as_str())
        );
        assert_eq!(normalise_code("ABCDE-FGHJ0"), None, "0 is never in a code");
        assert_eq!(normalise_code("ABCD"), None);
        assert_ne!(new_portal_code(), code);
        assert_eq!(hash_code(&code).len(), 64);
    }
}
