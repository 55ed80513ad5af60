//! Use cases of IPT Workbench. Each one parses nothing (the edges do that), loads what it
//! needs through the `Store` port, lets the domain decide, and saves with its audit event.

pub mod access;
pub mod caseload;
pub mod error;
pub mod measures;
pub mod outcomes;
pub mod paging;
pub mod password;
pub mod ports;
pub mod prompts;
pub mod signals;
pub mod usecases;

use std::sync::Arc;

use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::Assessment;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::*;
use ipt_domain::ids::*;
use ipt_domain::inventory::{InventoryPerson, InventorySnapshot, SnapshotKind, SnapshotPerson};
use ipt_domain::measures::TextPacks;
use ipt_domain::patient::{Language, Patient, PatientInput};
use ipt_domain::problem_area::FocusAreas;
use ipt_domain::protocol::{Format, Frequency, Phase, Protocol, ProtocolCatalogue};
use ipt_domain::session::TherapySession;
use ipt_domain::timeline::{MoodEpisode, Timeline, TimelineEvent};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use access::Access;
pub use error::AppError;
use ipt_domain::rule::FieldError;
use ports::{AlertFilter, AuditEvent, Clock, Store, UserRecord};

/// Everything a course page needs, loaded together.
#[derive(Debug, Clone)]
pub struct CourseView {
    pub patient: Patient,
    pub course: Course,
    pub inventory: Vec<InventoryPerson>,
    pub snapshots: Vec<InventorySnapshot>,
    pub timeline: Timeline,
    pub sessions: Vec<TherapySession>,
    pub goals: Vec<Goal>,
    pub assessments: Vec<Assessment>,
}

/// A new account as a door was given it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
}

/// The terms of a treatment contract with typed values (tests), checked by the core against the
/// course (format range, dates within the course, end after agreement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractTerms {
    pub sessions: u16,
    pub frequency: Frequency,
    pub end_date: Date,
    /// The day it was agreed: today, or earlier for a course begun elsewhere.
    pub agreed_on: Date,
}

/// The records beside the course row that the phase guards count.
pub struct Beside<'a> {
    pub inventory_people: usize,
    pub timeline_events: usize,
    pub sessions: &'a [TherapySession],
    pub assessments: &'a [Assessment],
    pub open_alerts: usize,
}

/// The facts the phase guards need that live outside the course row, counted from `b` under
/// the format's `protocol` (its main questionnaires).
pub fn facts_of(protocol: &Protocol, b: Beside<'_>) -> CourseFacts {
    let middle_sessions_attended = b
        .sessions
        .iter()
        .filter(|s| {
            s.phase.phase == Phase::Middle
                && s.attendance == ipt_domain::session::Attendance::Attended
        })
        .count()
        .min(usize::from(u16::MAX)) as u16;
    CourseFacts {
        inventory_people: b.inventory_people,
        timeline_events: b.timeline_events,
        baseline_measure_recorded: measures::baseline_recorded(protocol, b.assessments),
        middle_sessions_attended,
        end_measure_recorded: b.assessments.iter().any(Assessment::is_end_measure),
        main_measure_not_improved: measures::main_outcome(protocol, b.assessments)
            .is_some_and(|o| o.not_improved()),
        open_risk_alerts: b.open_alerts,
    }
}

impl CourseView {
    /// Perceived support, loneliness, assertiveness and the closeness circle, start against
    /// latest: what every door shows of the seed's secondary outcomes.
    pub fn secondary_outcomes(&self) -> outcomes::SecondaryOutcomes {
        outcomes::SecondaryOutcomes::of(&self.assessments, &self.snapshots, &self.inventory)
    }

    /// The guards' facts from what the view already holds, with the patient's open alerts
    /// (a page that has read them for its banner reads nothing again).
    pub fn facts(&self, protocol: &Protocol, open_risk_alerts: usize) -> CourseFacts {
        facts_of(
            protocol,
            Beside {
                inventory_people: self.inventory.len(),
                timeline_events: self.timeline.events.len(),
                sessions: &self.sessions,
                assessments: &self.assessments,
                open_alerts: open_risk_alerts,
            },
        )
    }
}

/// The application: use cases over a store, a clock and the protocol catalogue.
#[derive(Clone)]
pub struct App {
    /// Private: the doors (pages, API, command line) reach storage only through the use cases
    /// and the plain reads beside them; synthetic demo data goes through `App::seeding`.
    store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub protocols: Arc<ProtocolCatalogue>,
    /// Questionnaire text: shipped text plus the site's packs.
    pub text_packs: Arc<TextPacks>,
    /// How passwords are hashed: inline by default, on a blocking thread behind a web server.
    pub hasher: Arc<dyn ports::Hasher>,
    /// The places for slow secret checks at once (`usecases::throttle`).
    secret_checks: Arc<tokio::sync::Semaphore>,
    /// Every staff account must sign in with a second factor (`usecases::two_factor`).
    second_factor_required: bool,
}

/// A new id, time-ordered (UUID v7).
pub fn new_id<T: From<Uuid>>() -> T {
    T::from(Uuid::now_v7())
}

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, protocols: ProtocolCatalogue) -> Self {
        Self {
            store,
            clock,
            protocols: Arc::new(protocols),
            text_packs: Arc::new(TextPacks::shipped_only()),
            hasher: Arc::new(ports::InlineHasher),
            secret_checks: Arc::new(tokio::sync::Semaphore::new(
                usecases::throttle::DEFAULT_SECRET_CHECKS,
            )),
            second_factor_required: false,
        }
    }

    /// Require a second factor of every staff account (`[auth] require_totp`).
    pub fn with_second_factor_required(mut self, required: bool) -> Self {
        self.second_factor_required = required;
        self
    }

    /// Allow at most `n` slow secret checks (Argon2) at once; more are answered `Busy`.
    pub fn with_secret_check_limit(mut self, n: usize) -> Self {
        self.secret_checks = Arc::new(tokio::sync::Semaphore::new(n.max(1)));
        self
    }

    /// Hash passwords with this hasher (the web edge's keeps Argon2 off the async runtime).
    pub fn with_hasher(mut self, hasher: Arc<dyn ports::Hasher>) -> Self {
        self.hasher = hasher;
        self
    }

    /// Use these text packs (shipped text plus the site's) instead of shipped text alone.
    pub fn with_text_packs(mut self, packs: TextPacks) -> Self {
        self.text_packs = Arc::new(packs);
        self
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn today(&self) -> Date {
        self.clock.now().date()
    }

    /// The audit event for `action` on a record, stamped now.
    pub fn audit(
        &self,
        actor: &Actor,
        action: &str,
        entity: &str,
        entity_id: Uuid,
        patient: Option<PatientId>,
    ) -> AuditEvent {
        AuditEvent {
            id: new_id(),
            at: self.now(),
            actor: actor.user_id(),
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id,
            patient,
        }
    }

    // ---- Users -------------------------------------------------------------------------

    /// Create a user account. The username is lower-cased; the password is hashed here.
    /// Add an account with a typed role (tests, seeding).
    pub async fn add_user(
        &self,
        actor: &Actor,
        username: &str,
        display_name: &str,
        role: Role,
        password: &str,
        check_strength: bool,
    ) -> Result<UserRecord, AppError> {
        let input = UserInput {
            username: username.to_string(),
            display_name: display_name.to_string(),
            role: role.code().to_string(),
            password: password.to_string(),
        };
        self.enter_user(actor, &input, check_strength).await
    }

    /// Add an account from what a door was given (the admin page, the command line): every
    /// problem (the role, the username, its being taken, the password) is named at once.
    pub async fn enter_user(
        &self,
        actor: &Actor,
        input: &UserInput,
        check_strength: bool,
    ) -> Result<UserRecord, AppError> {
        let UserInput {
            username,
            display_name,
            role,
            password,
        } = input;
        let mut refused = vec![];
        let role = Role::parse(role)
            .map_err(|_| {
                refused.push(
                    FieldError::new("role", ipt_domain::rule::Code::UnknownRole)
                        .text("role", role.trim()),
                )
            })
            .ok();
        let (username, more) = account_refusals(username, password, check_strength);
        refused.extend(more);
        if let Err(e) = ipt_domain::input::bounded_text(
            "display_name",
            display_name,
            ipt_domain::input::SHORT_TEXT,
        ) {
            refused.push(e);
        }
        if let Some(u) = &username
            && self.store.user_by_username(u).await?.is_some()
        {
            refused.push(
                FieldError::new("username", ipt_domain::rule::Code::UsernameTaken)
                    .text("username", u),
            );
        }
        let (Some(username), Some(role), true) = (username, role, refused.is_empty()) else {
            return Err(AppError::Rejected(refused));
        };
        let user = UserRecord {
            id: new_id(),
            display_name: if display_name.trim().is_empty() {
                username.clone()
            } else {
                display_name.trim().to_string()
            },
            username,
            role,
            password_hash: self.hash_secret(password).await?,
            active: true,
            supervisor: None,
            version: 1,
        };
        let audit = self.audit(actor, "user.create", "user", user.id.as_uuid(), None);
        match self.store.create_user(&user, &audit).await {
            Ok(()) => Ok(user),
            // Taken meanwhile, by an account added at the same moment.
            Err(ports::StoreError::Duplicate(_)) => Err(AppError::Rejected(vec![
                FieldError::new("username", ipt_domain::rule::Code::UsernameTaken)
                    .text("username", &user.username),
            ])),
            Err(e) => Err(e.into()),
        }
    }

    // ---- Patients and courses ------------------------------------------------------------

    /// Register a patient with typed details (demo seeding, tests): read as a door's input is.
    pub async fn register_patient(
        &self,
        actor: &Actor,
        name: &str,
        date_of_birth: Option<Date>,
        language: Language,
        clinician: UserId,
    ) -> Result<Patient, AppError> {
        let input = PatientInput {
            name: name.to_string(),
            date_of_birth: date_of_birth.map(|d| d.to_string()),
            language: Some(language.code().to_string()),
        };
        self.enter_patient(actor, &input, clinician).await
    }

    /// Register a patient into `clinician`'s care from what a door was given. Clinicians and
    /// supervisors register patients into their own care; administrators do not create
    /// clinical records.
    pub async fn enter_patient(
        &self,
        actor: &Actor,
        input: &PatientInput,
        clinician: UserId,
    ) -> Result<Patient, AppError> {
        match actor {
            Actor::System => {}
            Actor::User {
                id,
                role: Role::Clinician | Role::Supervisor,
            } if *id == clinician => {}
            _ => return Err(AppError::Forbidden),
        }
        let details = input.read(self.today()).map_err(AppError::Rejected)?;
        match self.store.user(clinician).await? {
            Some(u) if u.active && (u.role == Role::Clinician || u.role == Role::Supervisor) => {}
            _ => {
                return Err(AppError::Rejected(vec![FieldError::new(
                    "clinician",
                    ipt_domain::rule::Code::NoSuchClinician,
                )]));
            }
        }
        let patient = Patient {
            id: new_id(),
            name: details.name,
            date_of_birth: details.date_of_birth,
            language: details.language,
            clinician,
            version: 1,
        };
        let audit = self.audit(
            actor,
            "patient.create",
            "patient",
            patient.id.as_uuid(),
            Some(patient.id),
        );
        self.store.create_patient(&patient, &audit).await?;
        Ok(patient)
    }

    pub async fn patient(&self, actor: &Actor, id: PatientId) -> Result<Patient, AppError> {
        self.patient_with(actor, id, Access::Read).await
    }

    /// Load a patient the actor may read (or change); anything else is "not found".
    pub async fn patient_with(
        &self,
        actor: &Actor,
        id: PatientId,
        access: Access,
    ) -> Result<Patient, AppError> {
        let audit = self.audit(actor, "patient.read", "patient", id.as_uuid(), Some(id));
        let patient = self
            .store
            .patient(id, &audit)
            .await?
            .ok_or(AppError::NotFound("patient"))?;
        self.check_patient(actor, &patient, access).await?;
        Ok(patient)
    }

    /// Start a course with typed values (demo seeding, tests): read as a door's input is.
    pub async fn start_course(
        &self,
        actor: &Actor,
        patient: PatientId,
        format: Format,
        started_on: Date,
    ) -> Result<Course, AppError> {
        let input = CourseStartInput {
            patient_id: Some(patient.to_string()),
            format: Some(format.code().to_string()),
            started_on: Some(started_on.to_string()),
        };
        self.enter_course(actor, &input).await
    }

    /// Start a course from what a door was given: one open course per patient at a time, from a
    /// day that has come.
    pub async fn enter_course(
        &self,
        actor: &Actor,
        input: &CourseStartInput,
    ) -> Result<Course, AppError> {
        let (patient, format, started_on) = input.read(self.today()).map_err(AppError::Rejected)?;
        let p = self.patient_with(actor, patient, Access::Write).await?;
        let existing = self
            .store
            .courses_of_patient(
                p.id,
                &self.audit(actor, "course.list", "patient", p.id.as_uuid(), Some(p.id)),
            )
            .await?;
        ipt_domain::course::check_no_open_course(&existing)?;
        let course = Course::new(
            new_id(),
            p.id,
            p.clinician,
            self.protocols.get(format),
            started_on,
        );
        let course = Course {
            version: 1,
            ..course
        };
        let audit = self.audit(
            actor,
            "course.create",
            "course",
            course.id.as_uuid(),
            Some(p.id),
        );
        self.store.create_course(&course, &audit).await?;
        Ok(course)
    }

    pub async fn course(&self, actor: &Actor, id: CourseId) -> Result<Course, AppError> {
        self.course_with(actor, id, Access::Read).await
    }

    /// Load a course whose patient the actor may read (or change); anything else is "not found".
    pub async fn course_with(
        &self,
        actor: &Actor,
        id: CourseId,
        access: Access,
    ) -> Result<Course, AppError> {
        Ok(self.course_and_patient(actor, id, access).await?.0)
    }

    /// A course as stored, audited as read by `actor`; access is the caller's to check.
    async fn stored_course(&self, actor: &Actor, id: CourseId) -> Result<Course, AppError> {
        let audit = self.audit(actor, "course.read", "course", id.as_uuid(), None);
        self.store
            .course(id, &audit)
            .await?
            .ok_or(AppError::NotFound("course"))
    }

    /// A course and its patient, read once each, when the actor may read (or change) them;
    /// anything else is "not found".
    pub async fn course_and_patient(
        &self,
        actor: &Actor,
        id: CourseId,
        access: Access,
    ) -> Result<(Course, Patient), AppError> {
        let course_audit = self.audit(actor, "course.read", "course", id.as_uuid(), None);
        let patient_audit = self.audit(actor, "patient.read", "patient", Uuid::nil(), None);
        let (course, patient) = self
            .store
            .course_and_patient(id, &course_audit, &patient_audit)
            .await?
            .ok_or(AppError::NotFound("course"))?;
        self.check_patient(actor, &patient, access)
            .await
            .map_err(|_| AppError::NotFound("course"))?;
        Ok((course, patient))
    }

    /// The whole course, for its workspace page.
    pub async fn course_view(&self, actor: &Actor, id: CourseId) -> Result<CourseView, AppError> {
        let (course, patient) = self.course_and_patient(actor, id, Access::Read).await?;
        let pid = Some(course.patient);
        let a = |what: &str| self.audit(actor, &format!("{what}.read"), what, id.as_uuid(), pid);
        Ok(CourseView {
            patient,
            inventory: self.store.inventory(id, &a("inventory")).await?,
            snapshots: self.store.snapshots(id, &a("inventory_snapshot")).await?,
            timeline: self.store.timeline(id, &a("timeline")).await?,
            sessions: self.store.sessions(id, &a("session")).await?,
            goals: self.store.goals(id, &a("goal")).await?,
            assessments: self
                .store
                .assessments_of_course(id, &a("assessment"))
                .await?,
            course,
        })
    }

    /// Load a course, let `edit` change it, and save it if the version still matches. The edit
    /// runs first, so that an input it refuses is named whatever the version (as the inputs read
    /// before the load are); without a version its refusals come with the missing version (see
    /// `usecases::versioned`), and nothing is saved.
    async fn edit_course(
        &self,
        actor: &Actor,
        id: CourseId,
        expected_version: Option<i64>,
        action: &str,
        edit: impl FnOnce(&mut Course, &ProtocolCatalogue) -> Result<(), AppError>,
    ) -> Result<Course, AppError> {
        let mut course = self.course_with(actor, id, Access::Write).await?;
        let actual = course.version;
        edit(&mut course, &self.protocols)?;
        let Some(expected_version) = expected_version else {
            return Err(AppError::Rejected(vec![FieldError::new(
                "version",
                ipt_domain::rule::Code::VersionMissing,
            )]));
        };
        if actual != expected_version {
            return Err(AppError::Conflict {
                what: "course",
                expected: expected_version,
                actual,
            });
        }
        let audit = self.audit(actor, action, "course", id.as_uuid(), Some(course.patient));
        course.version = self.store.update_course(&course, &audit).await?;
        Ok(course)
    }

    /// Record a typed diagnosis (tests): read as a door's input is.
    pub async fn record_diagnosis(
        &self,
        actor: &Actor,
        id: CourseId,
        version: i64,
        diagnosis: Diagnosis,
    ) -> Result<Course, AppError> {
        let input = DiagnosisInput {
            statement: diagnosis.statement,
            severity: Some(diagnosis.severity.code().to_string()),
            recorded_on: Some(diagnosis.recorded_on.to_string()),
        };
        self.enter_diagnosis(actor, id, Some(version), &input).await
    }

    /// Choose a typed focus (tests): read as a door's input is.
    pub async fn choose_focus(
        &self,
        actor: &Actor,
        id: CourseId,
        version: i64,
        focus: FocusAreas,
    ) -> Result<Course, AppError> {
        let input = ipt_domain::problem_area::FocusInput {
            areas: focus
                .areas()
                .iter()
                .map(|a| ipt_domain::problem_area::FocusAreaInput {
                    area: Some(a.kind().code().to_string()),
                    stage: a.stage().map(|s| s.code().to_string()),
                })
                .collect(),
            reason: None,
        };
        self.enter_focus(actor, id, Some(version), &input).await
    }

    /// Write a typed formulation (tests): read as a door's input is.
    pub async fn set_formulation(
        &self,
        actor: &Actor,
        id: CourseId,
        version: i64,
        formulation: Formulation,
    ) -> Result<Course, AppError> {
        let input = FormulationInput {
            text: formulation.text,
            accepted_on: formulation.accepted_on.map(|d| d.to_string()),
            patient_wording: Some(formulation.patient_wording),
        };
        self.enter_formulation(actor, id, Some(version), &input)
            .await
    }

    /// Agree a contract with typed terms (tests): read as a door's input is.
    pub async fn agree_contract(
        &self,
        actor: &Actor,
        id: CourseId,
        version: i64,
        terms: ContractTerms,
    ) -> Result<Course, AppError> {
        let input = ContractInput {
            sessions: Some(terms.sessions.to_string()),
            frequency: Some(terms.frequency.code().to_string()),
            end_date: Some(terms.end_date.to_string()),
            agreed_on: Some(terms.agreed_on.to_string()),
        };
        self.enter_contract(actor, id, Some(version), &input).await
    }

    /// The facts the phase guards need that live outside the course row.
    pub async fn course_facts(
        &self,
        actor: &Actor,
        course: &Course,
    ) -> Result<CourseFacts, AppError> {
        let pid = Some(course.patient);
        let id = course.id.as_uuid();
        let inventory = self
            .store
            .inventory(
                course.id,
                &self.audit(actor, "inventory.read", "inventory", id, pid),
            )
            .await?;
        let assessments = self
            .store
            .assessments_of_course(
                course.id,
                &self.audit(actor, "assessment.read", "assessment", id, pid),
            )
            .await?;
        let open_alerts = self
            .store
            .alerts(
                &AlertFilter {
                    patient: Some(course.patient),
                    open_only: true,
                    ..Default::default()
                },
                &self.audit(
                    actor,
                    "risk_alert.list",
                    "patient",
                    course.patient.as_uuid(),
                    pid,
                ),
            )
            .await?;
        let timeline = self
            .store
            .timeline(
                course.id,
                &self.audit(actor, "timeline.read", "timeline", id, pid),
            )
            .await?;
        let sessions = self
            .store
            .sessions(
                course.id,
                &self.audit(actor, "session.read", "session", id, pid),
            )
            .await?;
        Ok(facts_of(
            self.protocols.get(course.format),
            Beside {
                inventory_people: inventory.len(),
                timeline_events: timeline.events.len(),
                sessions: &sessions,
                assessments: &assessments,
                open_alerts: open_alerts.len(),
            },
        ))
    }

    /// The guards between `course` and `target` under its format's gates in this deployment
    /// (for a door that offers the moves with what each still needs).
    pub fn unmet_guards(
        &self,
        course: &Course,
        target: &CourseStatus,
        facts: &CourseFacts,
    ) -> Vec<Guard> {
        course.unmet_guards(target, facts, &self.protocols.get(course.format).gates)
    }

    /// Move a course as a door was given the move: read, then guarded as `transition`.
    pub async fn enter_transition(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &TransitionInput,
    ) -> Result<Course, AppError> {
        let target = usecases::versioned(version, input.read())?;
        self.transition(actor, id, version.unwrap_or_default(), target)
            .await
    }

    /// Move a course to `target`. When the move is into the initial phase the inventory's start
    /// snapshot is not yet meaningful; the start snapshot is taken on entering the middle phase
    /// (the inventory is complete then) and the end snapshot on leaving termination.
    pub async fn transition(
        &self,
        actor: &Actor,
        id: CourseId,
        version: i64,
        target: CourseStatus,
    ) -> Result<Course, AppError> {
        let course = self.course(actor, id).await?;
        // A move decided on a stale page is stale whatever its guards say now.
        if course.version != version {
            return Err(AppError::Conflict {
                what: "course",
                expected: version,
                actual: course.version,
            });
        }
        let facts = self.course_facts(actor, &course).await?;
        let today = self.today();
        let snapshot_kind = match &target {
            CourseStatus::Active(ipt_domain::protocol::Phase::Middle) => Some(SnapshotKind::Start),
            CourseStatus::Completed | CourseStatus::ContinuedInMaintenance => {
                Some(SnapshotKind::End)
            }
            _ => None,
        };
        let course = self
            .edit_course(actor, id, Some(version), "course.transition", |c, cat| {
                c.transition(target, &facts, &cat.get(c.format).gates, today)?;
                Ok(())
            })
            .await?;
        if let Some(kind) = snapshot_kind {
            self.take_snapshot(actor, &course, kind).await?;
        }
        Ok(course)
    }

    pub async fn take_snapshot(
        &self,
        actor: &Actor,
        course: &Course,
        kind: SnapshotKind,
    ) -> Result<InventorySnapshot, AppError> {
        let pid = Some(course.patient);
        let people = self
            .store
            .inventory(
                course.id,
                &self.audit(
                    actor,
                    "inventory.read",
                    "inventory",
                    course.id.as_uuid(),
                    pid,
                ),
            )
            .await?;
        let snapshot = InventorySnapshot {
            id: new_id(),
            kind,
            taken_on: self.today(),
            people: people.iter().map(SnapshotPerson::of).collect(),
        };
        let audit = self.audit(
            actor,
            "inventory_snapshot.create",
            "inventory_snapshot",
            snapshot.id.as_uuid(),
            pid,
        );
        self.store
            .add_snapshot(course.id, &snapshot, &audit)
            .await?;
        Ok(snapshot)
    }

    // ---- Inventory, timeline, sessions, goals ---------------------------------------------

    async fn patient_of(
        &self,
        actor: &Actor,
        course: CourseId,
    ) -> Result<Option<PatientId>, AppError> {
        Ok(Some(
            self.course_with(actor, course, Access::Write)
                .await?
                .patient,
        ))
    }

    pub async fn add_person(
        &self,
        actor: &Actor,
        course: CourseId,
        mut person: InventoryPerson,
    ) -> Result<InventoryPerson, AppError> {
        let pid = self.patient_of(actor, course).await?;
        person.version = 1;
        let audit = self.audit(
            actor,
            "inventory_person.create",
            "inventory_person",
            person.id.as_uuid(),
            pid,
        );
        self.store.add_person(course, &person, &audit).await?;
        Ok(person)
    }

    pub async fn update_person(
        &self,
        actor: &Actor,
        course: CourseId,
        mut person: InventoryPerson,
    ) -> Result<InventoryPerson, AppError> {
        let pid = self.patient_of(actor, course).await?;
        let audit = self.audit(
            actor,
            "inventory_person.update",
            "inventory_person",
            person.id.as_uuid(),
            pid,
        );
        person.version = self.store.update_person(course, &person, &audit).await?;
        Ok(person)
    }

    pub async fn add_event(
        &self,
        actor: &Actor,
        course: CourseId,
        mut event: TimelineEvent,
    ) -> Result<TimelineEvent, AppError> {
        let pid = self.patient_of(actor, course).await?;
        event.check_happened(self.today())?;
        event.version = 1;
        let audit = self.audit(
            actor,
            "timeline_event.create",
            "timeline_event",
            event.id.as_uuid(),
            pid,
        );
        self.store.add_event(course, &event, &audit).await?;
        Ok(event)
    }

    pub async fn add_episode(
        &self,
        actor: &Actor,
        course: CourseId,
        mut episode: MoodEpisode,
    ) -> Result<MoodEpisode, AppError> {
        episode.check()?;
        let pid = self.patient_of(actor, course).await?;
        episode.check_happened(self.today())?;
        episode.version = 1;
        let audit = self.audit(
            actor,
            "mood_episode.create",
            "mood_episode",
            episode.id.as_uuid(),
            pid,
        );
        self.store.add_episode(course, &episode, &audit).await?;
        Ok(episode)
    }

    pub async fn record_session(
        &self,
        actor: &Actor,
        session: TherapySession,
    ) -> Result<TherapySession, AppError> {
        self.record_session_with_mood(actor, session, None).await
    }

    /// Record a session with the patient's 0–10 mood rating for it (if one was asked), in one
    /// transaction: a session is never saved without the rating that came with it, nor the
    /// rating without its session.
    pub async fn record_session_with_mood(
        &self,
        actor: &Actor,
        session: TherapySession,
        mood: Option<u8>,
    ) -> Result<TherapySession, AppError> {
        let course = self.writable_course(actor, session.course).await?;
        self.record_session_in(actor, &course, session, mood).await
    }

    /// `record_session_with_mood` on a course the request has already loaded for writing: the
    /// course is not read again.
    pub async fn record_session_in(
        &self,
        actor: &Actor,
        course: &access::WritableCourse,
        mut session: TherapySession,
        mood: Option<u8>,
    ) -> Result<TherapySession, AppError> {
        if session.course != course.id {
            return Err(AppError::NotFound("course"));
        }
        session.check()?;
        self.check_session(course, &session, true)?;
        let pid = Some(course.patient);
        session.version = 1;
        let audit = self.audit(
            actor,
            "session.create",
            "session",
            session.id.as_uuid(),
            pid,
        );
        let alert = session.risk_review.concern.then(|| {
            RiskAlert::from_session_concern(
                session.id,
                course.patient,
                session.course,
                new_id(),
                self.now(),
            )
        });
        let mood = match mood {
            Some(rating) => Some(self.session_mood(actor, course, &session, rating)?),
            None => None,
        };
        self.store
            .add_session(
                &session,
                alert.as_ref(),
                mood.as_ref().map(|(m, a)| (m, a)),
                &audit,
            )
            .await?;
        Ok(session)
    }

    /// Every rule a session must meet on its course, all refusals at once: a new one needs a
    /// started, open course; any one is dated within the course and of a kind and phase its
    /// format has.
    pub(crate) fn check_session(
        &self,
        course: &Course,
        session: &TherapySession,
        new: bool,
    ) -> Result<(), AppError> {
        let mut refused = vec![];
        let dated = if new {
            course.check_new_session(session.date, self.today())
        } else {
            course.check_session_date(session.date, self.today())
        };
        refused.extend(dated.err());
        if let Err(kind) = course.check_session_kind(
            self.protocols.get(course.format),
            session.special,
            session.phase.phase,
        ) {
            refused.extend(kind);
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(AppError::Rejected(refused))
        }
    }

    pub async fn add_goal(
        &self,
        actor: &Actor,
        course: CourseId,
        mut goal: Goal,
    ) -> Result<Goal, AppError> {
        goal.check()?;
        let pid = self.patient_of(actor, course).await?;
        goal.version = 1;
        let audit = self.audit(actor, "goal.create", "goal", goal.id.as_uuid(), pid);
        self.store.add_goal(course, &goal, &audit).await?;
        Ok(goal)
    }

    /// Store an assessment. A final one must carry a valid result: nothing invalid is ever
    /// stored as a final result.
    pub async fn record_assessment(
        &self,
        actor: &Actor,
        assessment: Assessment,
    ) -> Result<Assessment, AppError> {
        final_needs_a_valid_result(&assessment)?;
        let patient = self.patient(actor, assessment.patient).await?;
        let course = match assessment.course {
            None => None,
            Some(id) => {
                let course = self.stored_course(actor, id).await?;
                if course.patient != patient.id {
                    // Another patient's course: "not found" unless the actor may see it.
                    self.patient(actor, course.patient)
                        .await
                        .map_err(|_| AppError::NotFound("course"))?;
                }
                Some(course)
            }
        };
        self.record_assessment_for(actor, &patient, course.as_ref(), assessment)
            .await
    }

    /// `record_assessment` for a caller that has already read the patient (and the course the
    /// assessment belongs to, if any) as this actor, so that neither is read again.
    pub async fn record_assessment_for(
        &self,
        actor: &Actor,
        patient: &Patient,
        course: Option<&Course>,
        mut assessment: Assessment,
    ) -> Result<Assessment, AppError> {
        final_needs_a_valid_result(&assessment)?;
        if patient.id != assessment.patient {
            // Another patient's record: answered as if it did not exist.
            return Err(AppError::NotFound("patient"));
        }
        self.authorize(actor, ipt_domain::authz::Action::RecordAssessment, patient)
            .await?;
        match (assessment.course, course) {
            (None, None) => {}
            (Some(id), Some(c)) if c.id == id && c.patient == patient.id => {}
            // Another patient's course, or not the course given: answered as if it did not
            // exist.
            _ => return Err(AppError::NotFound("course")),
        }
        assessment.version = 1;
        let audit = self.audit(
            actor,
            "assessment.create",
            "assessment",
            assessment.id.as_uuid(),
            Some(assessment.patient),
        );
        let alert = RiskAlert::from_assessment(&assessment, new_id(), self.now());
        self.store
            .add_assessment(&assessment, alert.as_ref(), &audit)
            .await?;
        Ok(assessment)
    }

    // ---- Risk alerts ---------------------------------------------------------------------

    /// Open (or all) alerts of one clinician's patients, or of everyone's when `clinician` is None.
    pub async fn alerts(
        &self,
        actor: &Actor,
        filter: AlertFilter,
    ) -> Result<Vec<RiskAlert>, AppError> {
        let entity_id = filter.patient.map(|p| p.as_uuid()).unwrap_or_default();
        let audit = self.audit(
            actor,
            "risk_alert.list",
            "risk_alert",
            entity_id,
            filter.patient,
        );
        Ok(self.store.alerts(&filter, &audit).await?)
    }

    /// Close an alert with a note of the action taken. The alert itself is kept for ever.
    pub async fn acknowledge_alert(
        &self,
        actor: &Actor,
        patient: PatientId,
        id: AlertId,
        version: Option<i64>,
        note: &str,
    ) -> Result<RiskAlert, AppError> {
        let Some(version) = version else {
            let mut refused = vec![FieldError::new(
                "version",
                ipt_domain::rule::Code::VersionMissing,
            )];
            if note.trim().chars().count() < RiskAlert::MIN_NOTE_CHARS {
                refused.push(ipt_domain::alert::AlertError::NoteRequired.into());
            }
            return Err(AppError::Rejected(refused));
        };
        let p = self.patient(actor, patient).await?;
        self.authorize(actor, ipt_domain::authz::Action::AcknowledgeAlert, &p)
            .await?;
        // Alerts are acknowledged by a signed-in clinician, never by the system.
        let Some(by) = actor.user_id() else {
            return Err(AppError::Forbidden);
        };
        let filter = AlertFilter {
            patient: Some(patient),
            ..Default::default()
        };
        let mut alert = self
            .alerts(actor, filter)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(AppError::NotFound("risk alert"))?;
        if alert.version != version {
            return Err(AppError::Conflict {
                what: "risk alert",
                expected: version,
                actual: alert.version,
            });
        }
        alert
            .acknowledge(by, note, self.now())
            .map_err(|e| AppError::from(FieldError::from(e)))?;
        let audit = self.audit(
            actor,
            "risk_alert.acknowledge",
            "risk_alert",
            id.as_uuid(),
            Some(patient),
        );
        alert.version = self.store.acknowledge_alert(&alert, &audit).await?;
        Ok(alert)
    }
}

/// Usernames: 2–40 characters of a–z, 0–9, dot, dash, underscore; stored lower-case.
pub fn parse_username(s: &str) -> Result<String, FieldError> {
    let u = s.trim().to_ascii_lowercase();
    let ok_chars = u
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !(2..=40).contains(&u.len()) || !ok_chars {
        return Err(FieldError::new(
            "username",
            ipt_domain::rule::Code::UsernameInvalid,
        ));
    }
    Ok(u)
}

/// What is wrong with a new account's username and password, every problem at once (the
/// username lower-cased when it is good). Forms that also hold fields the core does not parse
/// (the role) ask this first, so that all their errors show together.
pub fn account_refusals(
    username: &str,
    password: &str,
    check_strength: bool,
) -> (Option<String>, Vec<FieldError>) {
    let mut refused = vec![];
    let parsed = parse_username(username).map_err(|e| refused.push(e)).ok();
    if check_strength && let Err(e) = password::check_strength(password, username) {
        refused.push(e);
    }
    (parsed, refused)
}

/// Only a complete, valid questionnaire is kept as a final result.
fn final_needs_a_valid_result(assessment: &Assessment) -> Result<(), AppError> {
    if assessment.status == ipt_domain::assessment::AssessmentStatus::Final
        && !assessment.result.as_ref().is_some_and(|r| r.valid)
    {
        return Err(AppError::Rejected(vec![FieldError::new(
            "answers",
            ipt_domain::rule::Code::FinalNeedsAValidResult,
        )]));
    }
    Ok(())
}
