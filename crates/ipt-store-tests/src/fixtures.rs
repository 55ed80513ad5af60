//! Synthetic records for the contract stories. Names are invented.

use ipt_app::ports::{AuditEvent, UserRecord};
use ipt_domain::assessment::*;
use ipt_domain::authz::Role;
use ipt_domain::course::*;
use ipt_domain::ids::*;
use ipt_domain::inventory::*;
use ipt_domain::patient::*;
use ipt_domain::problem_area::*;
use ipt_domain::protocol::*;
use ipt_domain::session::*;
use ipt_domain::timeline::*;
use time::OffsetDateTime;
use time::macros::{date, datetime};
use uuid::Uuid;

pub fn id<T: From<Uuid>>() -> T {
    T::from(Uuid::now_v7())
}

pub const NOW: OffsetDateTime = datetime!(2026-03-02 10:00 UTC);

pub fn audit(
    action: &str,
    entity_id: Uuid,
    patient: Option<PatientId>,
    actor: Option<UserId>,
) -> AuditEvent {
    AuditEvent {
        id: id(),
        at: NOW,
        actor,
        action: action.into(),
        entity: action.split('.').next().unwrap_or("x").into(),
        entity_id,
        patient,
    }
}

pub fn user(username: &str, role: Role) -> UserRecord {
    UserRecord {
        id: id(),
        username: username.into(),
        display_name: format!("Dr {username}"),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo".into(),
        active: true,
        supervisor: None,
        version: 1,
    }
}

pub fn patient(clinician: UserId, name: &str) -> Patient {
    Patient {
        id: id(),
        name: PatientName::parse(name).unwrap(),
        date_of_birth: Some(date!(1985 - 04 - 12)),
        language: Language::It,
        clinician,
        version: 1,
    }
}

pub fn course(p: &Patient) -> Course {
    let cat = ProtocolCatalogue::default();
    let mut c = Course::new(
        id(),
        p.id,
        p.clinician,
        cat.get(Format::Individual),
        date!(2026 - 01 - 05),
    );
    c.version = 1;
    c
}

/// A course with every optional part filled, to prove a full round trip.
pub fn full_course(p: &Patient) -> Course {
    let cat = ProtocolCatalogue::default();
    let proto = cat.get(Format::Individual);
    let mut c = course(p);
    c.status = CourseStatus::EndedEarly(EndReason::Other("moved to another city".into()));
    c.ended_on = Some(date!(2026 - 03 - 01));
    c.indication.two_weeks_or_more = true;
    c.indication
        .symptoms
        .insert(ipt_domain::indication::Symptom::DepressedMood);
    c.indication
        .escalation_flags
        .insert(ipt_domain::indication::EscalationFlag::MoreSevereDepression);
    c.diagnosis = Some(
        Diagnosis::new(
            "Major depressive disorder, single episode",
            DepressionSeverity::Moderate,
            date!(2026 - 01 - 05),
        )
        .unwrap(),
    );
    c.focus = Some(
        FocusAreas::new(vec![
            ProblemArea::RoleDispute(DisputeStage::Impasse),
            ProblemArea::RoleTransition,
        ])
        .unwrap(),
    );
    // The focus was first grief alone, then changed with its reason: the history is stored.
    c.focus_history = vec![
        FocusChoice {
            areas: FocusAreas::new(vec![ProblemArea::Grief]).unwrap(),
            chosen_on: date!(2026 - 01 - 12),
            reason: String::new(),
        },
        FocusChoice {
            areas: c.focus.clone().unwrap(),
            chosen_on: date!(2026 - 01 - 19),
            reason: "the dispute with her sister drives the low mood".into(),
        },
    ];
    c.formulation = Some(
        Formulation::new(
            "Depression began as the dispute with her sister reached an impasse.",
            Some(date!(2026 - 01 - 19)),
        )
        .and_then(|f| f.with_patient_wording("I got low when my sister and I stopped talking."))
        .unwrap(),
    );
    c.agree_contract(
        proto,
        Contract::new(
            proto,
            12,
            Frequency::Weekly,
            date!(2026 - 04 - 20),
            date!(2026 - 01 - 19),
        )
        .unwrap(),
    );
    c.relapse_plan = Some(RelapsePreventionPlan {
        warning_signs: "waking at 4am".into(),
        triggers: "family gatherings".into(),
        coping: "call a friend".into(),
        supports: "partner".into(),
        seek_help: "GP; crisis line".into(),
        written_on: Some(date!(2026 - 02 - 20)),
    });
    c.termination = Some(TerminationReview {
        gains: "talks with her sister again".into(),
        feelings_about_ending: "sad but ready".into(),
        non_response_plan: String::new(),
        reviewed_on: Some(date!(2026 - 02 - 26)),
    });
    c.maintenance = Some(MaintenanceDecision {
        choice: MaintenanceChoice::Medication,
        rationale: "residual symptoms".into(),
        decided_on: date!(2026 - 02 - 25),
    });
    c.safety_plan = Some(ipt_domain::safety::SafetyPlan {
        warning_signs: "lying awake making lists of failures".into(),
        coping_steps: "walk round the park; music".into(),
        people_and_places: "the allotment; the library".into(),
        people_to_ask: "partner, on their mobile".into(),
        professional_contacts: "therapist on weekdays; GP surgery".into(),
        safer_environment: "partner keeps the tablets".into(),
        written_on: Some(date!(2026 - 01 - 26)),
    });
    c.medication = vec![ipt_domain::safety::MedicationChange {
        medicine: "Sertraline".into(),
        kind: ipt_domain::safety::MedicationChangeKind::AlreadyTaking,
        dose: "50 mg".into(),
        prescriber: "GP".into(),
        on: date!(2026 - 01 - 05),
        note: String::new(),
    }];
    c.inventory_globals.set(
        SnapshotKind::Start,
        ipt_domain::inventory::InventoryGlobals {
            relational_patterns: "keeps people at arm's length".into(),
            self_assertion: "cannot say no to her mother".into(),
            social_risk_taking: String::new(),
            relationship_history: "close to a grandmother; few friends at school".into(),
            recorded_on: Some(date!(2026 - 01 - 12)),
        },
    );
    c
}

pub fn person(alias: &str, ring: u8) -> InventoryPerson {
    InventoryPerson {
        id: id(),
        alias: Alias::parse(alias).unwrap(),
        relationship: RelationshipKind::Sibling,
        ring: ClosenessRing::new(ring).unwrap(),
        contact_frequency: "weekly".into(),
        confidant: ring == 1,
        practical_support: false,
        conflict: ConflictLevel::Hidden,
        reciprocity: Reciprocity::NotMet,
        deceased: false,
        area_tags: vec![AreaKind::RoleDispute],
        // The closest are rated (hardest where it matters most); the others not asked.
        self_expression: (ring == 1)
            .then(|| ipt_domain::inventory::SelfExpression::new(1).unwrap()),
        notes: InventoryNotes {
            expectations: "wants more help with their mother".into(),
            ..Default::default()
        },
        version: 1,
    }
}

pub fn event(date: &str, kind: EventKind, person: Option<InventoryPersonId>) -> TimelineEvent {
    TimelineEvent {
        id: id(),
        date: date.parse().unwrap(),
        kind,
        person,
        description: format!("{} event", kind.label()),
        version: 1,
    }
}

pub fn episode(onset: &str, current: bool) -> MoodEpisode {
    MoodEpisode {
        id: id(),
        onset: onset.parse().unwrap(),
        end: None,
        severity: EpisodeSeverity::Moderate,
        current,
        version: 1,
    }
}

pub fn session(course: CourseId, number: u16) -> TherapySession {
    let plan = PhasePlan::new(16, 3, 14).unwrap();
    let n = SessionNumber::new(number).unwrap();
    TherapySession {
        id: id(),
        course,
        number: n,
        date: date!(2026 - 01 - 05) + time::Duration::weeks(number as i64),
        phase: SessionPhase::derived(&plan, n),
        modality: Modality::Video,
        attendance: Attendance::Attended,
        special: None,
        techniques: vec![Technique::CommunicationAnalysis, Technique::RolePlay],
        strategies: vec![Strategy::ClarifyExpectations],
        tasks_done: vec![PhaseTask::LinkMoodToEvents],
        checklist: vec![ChecklistItem::RiskReviewed],
        interval_events: "argument with sister on Sunday".into(),
        agreed_actions: "ask sister for a calm talk".into(),
        risk_review: RiskReview {
            reviewed: true,
            concern: false,
            note: "no thoughts of self-harm".into(),
        },
        notes: "engaged".into(),
        next_date: Some(date!(2026 - 01 - 05) + time::Duration::weeks(number as i64 + 1)),
        version: 1,
    }
}

pub fn goal(area: AreaKind) -> Goal {
    Goal {
        id: id(),
        area,
        description: "talk with sister once a week".into(),
        progress: Some(3),
        status: GoalStatus::Open,
        version: 1,
    }
}

pub fn assessment(p: &Patient, course: CourseId, status: AssessmentStatus) -> Assessment {
    Assessment {
        id: id(),
        patient: p.id,
        course: Some(course),
        session: None,
        instrument: "phq9".into(),
        answers: vec![
            Some(2),
            Some(2),
            Some(1),
            Some(1),
            None,
            Some(0),
            Some(1),
            Some(0),
            Some(1),
        ],
        status,
        mode: AdministrationMode::Clinician,
        administered_at: NOW,
        phase: Some(Phase::Termination),
        result: (status == AssessmentStatus::Final).then(|| ScoreSummary {
            total: Some(9.0),
            severity: Some("mild".into()),
            risk_items: vec![9],
            valid: true,
            prorated: true,
            scoring_version: "phq9@1".into(),
        }),
        version: 1,
    }
}
