//! The synthetic demo clinic. Every name, date and story here is invented.
//!
//! Determinism: records, ids and answers come from a seeded generator, so the same seed gives
//! the same clinic. Dates are laid out around an anchor date (by default the Monday of the
//! current week) so that the demo always looks current; pass `--anchor-date` to pin them too.
//! Password hashes use a fresh random salt each time, as they must.
//!
//! The clinic's history is past-dated and its ids and audit events come from the generator, so
//! it is written through `App::seeding`, the one door past the use cases, kept for synthetic
//! data (see its documentation).

use anyhow::{Context, bail};
use ipt_app::App;
use ipt_app::ports::{AuditEvent, UserRecord};
use ipt_domain::assessment::*;
use ipt_domain::authz::Role;
use ipt_domain::course::*;
use ipt_domain::ids::*;
use ipt_domain::indication::{EscalationFlag, FirstLineReason, IndicationRecord, Symptom};
use ipt_domain::inventory::*;
use ipt_domain::patient::{Language, Patient, PatientName};
use ipt_domain::problem_area::{AreaKind, DisputeStage, FocusAreas, ProblemArea};
use ipt_domain::protocol::{Format, Frequency, Phase, PhaseTask};
use ipt_domain::session::*;
use ipt_domain::timeline::*;
use time::{Date, Duration, OffsetDateTime, Time, Weekday};
use uuid::Uuid;

/// The demo accounts, all with password `demo`: created only by `ipt demo` and `ipt serve --demo`.
pub const ACCOUNTS: [(&str, &str, Role); 5] = [
    ("admin", "Demo Administrator", Role::Admin),
    ("supervisor", "Dr Sara Conti (supervisor)", Role::Supervisor),
    ("clinician", "Dr Marco Bianchi", Role::Clinician),
    ("clinician2", "Dr Helen Price", Role::Clinician),
    ("clinician3", "Dr Luca Moretti", Role::Clinician),
];
pub const PASSWORD: &str = "demo";

/// SplitMix64: tiny, fast, and stable across versions, which a seeded demo needs.
pub struct Rng {
    state: u64,
    ms: u64,
}

impl Rng {
    pub fn new(seed: u64, base: Date) -> Self {
        let ms = (base.midnight().assume_utc().unix_timestamp() as u64) * 1000;
        Self {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
            ms,
        }
    }
    pub fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in lo..=hi.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    /// A UUID v7 whose time part counts up from the anchor, so ids sort in creation order.
    pub fn id<T: From<Uuid>>(&mut self) -> T {
        self.ms += 1;
        let r = self.next().to_le_bytes();
        let s = self.next().to_le_bytes();
        let bytes = [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], s[0], s[1]];
        T::from(uuid::Builder::from_unix_timestamp_millis(self.ms, &bytes).into_uuid())
    }
}

pub fn parse_anchor(s: &str) -> anyhow::Result<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), fmt).with_context(|| format!("'{s}' is not a date; write YYYY-MM-DD"))
}

fn monday_of(d: Date) -> Date {
    d - Duration::days(d.weekday().number_days_from_monday() as i64)
}

/// Make sure the demo accounts exist, seed the clinic if the database has no patients, and
/// print how to sign in.
pub async fn prepare(app: &App, seed: u64, anchor: Option<Date>) -> anyhow::Result<()> {
    let anchor = anchor.unwrap_or_else(|| monday_of(app.today()));
    if anchor.weekday() != Weekday::Monday {
        tracing::debug!("demo anchor is not a Monday; sessions will fall on its weekday");
    }
    let mut rng = Rng::new(seed, anchor - Duration::days(400));
    let users = ensure_accounts(app, &mut rng).await?;
    let existing = app.seeding().count_patients().await?;
    if existing > 0 {
        println!("The database already holds {existing} patients; no demo data was added.");
    } else {
        let n = seed_clinic(app, &mut rng, &users, anchor).await?;
        println!("Seeded a synthetic demo clinic: {n} patients (seed {seed}, anchor {anchor}).");
    }
    println!(
        "Demo accounts (password '{PASSWORD}'): admin, supervisor, clinician, clinician2, clinician3"
    );
    Ok(())
}

async fn ensure_accounts(app: &App, rng: &mut Rng) -> anyhow::Result<Vec<UserRecord>> {
    let store = app.seeding();
    let mut out = vec![];
    let supervisor_id: UserId = rng.id();
    for (username, name, role) in ACCOUNTS {
        let id: UserId = if role == Role::Supervisor {
            supervisor_id
        } else {
            rng.id()
        };
        if let Some(u) = store.user_by_username(username).await? {
            out.push(u);
            continue;
        }
        let user = UserRecord {
            id,
            username: username.into(),
            display_name: name.into(),
            role,
            password_hash: ipt_app::password::hash(PASSWORD)?,
            active: true,
            supervisor: (role == Role::Clinician).then_some(supervisor_id),
            version: 1,
        };
        let audit = system_audit(app, rng, "user.create", "user", id.as_uuid(), None);
        store.create_user(&user, &audit).await?;
        out.push(user);
    }
    Ok(out)
}

fn system_audit(
    app: &App,
    rng: &mut Rng,
    action: &str,
    entity: &str,
    id: Uuid,
    patient: Option<PatientId>,
) -> AuditEvent {
    AuditEvent {
        id: rng.id(),
        at: app.now(),
        actor: None,
        action: action.into(),
        entity: entity.into(),
        entity_id: id,
        patient,
    }
}

const FIRST: &[&str] = &[
    "Giulia", "Matteo", "Chiara", "Davide", "Elena", "Paolo", "Sofia", "Andrea", "Martina",
    "Franco", "Alice", "Tommaso", "Grace", "Oliver", "Amira", "Samuel", "Nadia", "Joseph", "Irene",
    "Kwame", "Lucia", "Peter", "Rosa", "Hannah",
];
const LAST: &[&str] = &[
    "Fabbri",
    "Galli",
    "Lombardo",
    "Marini",
    "Testa",
    "Serra",
    "Vitale",
    "Pellegrini",
    "Ferrara",
    "Caruso",
    "Ashford",
    "Okafor",
    "Lindqvist",
    "Hartley",
    "Mensah",
    "Bellamy",
    "Quayle",
    "Farrow",
];

/// Where a demo course has got to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    Referred,
    Initial,
    Middle,
    Termination,
    Completed,
    Maintenance,
    EndedEarly,
}

// Patients of the `clinician` account whose records show the caseload signals a clinic meets:
// reliable deterioration, two missed sessions in a row, no baseline measure, a contract that ran
// out before the sessions did, and too little improvement by mid-course.
const WORSENING: usize = 0;
const MISSING: usize = 6;
const UNMEASURED: usize = 2;
const OVERRUNNING: usize = 10;
const NOT_IMPROVING: usize = 18;

const PLAN: [(Stage, Format, AreaKind); 24] = [
    (Stage::Middle, Format::Individual, AreaKind::Grief),
    (Stage::Middle, Format::Individual, AreaKind::RoleDispute),
    (Stage::Initial, Format::Individual, AreaKind::RoleTransition),
    (
        Stage::Termination,
        Format::Individual,
        AreaKind::RoleDispute,
    ),
    (Stage::Completed, Format::Individual, AreaKind::Grief),
    (Stage::Referred, Format::Brief, AreaKind::RoleTransition),
    (
        Stage::Middle,
        Format::Brief,
        AreaKind::InterpersonalDeficits,
    ),
    (Stage::Middle, Format::Adolescent, AreaKind::RoleDispute),
    (
        Stage::Initial,
        Format::Adolescent,
        AreaKind::InterpersonalDeficits,
    ),
    (
        Stage::Middle,
        Format::PerinatalPostpartum,
        AreaKind::RoleTransition,
    ),
    (
        Stage::Termination,
        Format::PerinatalAntenatal,
        AreaKind::RoleDispute,
    ),
    (Stage::Middle, Format::OlderAdult, AreaKind::Grief),
    (
        Stage::Completed,
        Format::OlderAdult,
        AreaKind::RoleTransition,
    ),
    (Stage::Middle, Format::Telephone, AreaKind::RoleTransition),
    (
        Stage::Initial,
        Format::Group,
        AreaKind::InterpersonalDeficits,
    ),
    (Stage::Middle, Format::Group, AreaKind::RoleDispute),
    (
        Stage::Maintenance,
        Format::Individual,
        AreaKind::RoleDispute,
    ),
    (
        Stage::EndedEarly,
        Format::Individual,
        AreaKind::InterpersonalDeficits,
    ),
    (Stage::Termination, Format::Telephone, AreaKind::Grief),
    (Stage::Completed, Format::Brief, AreaKind::RoleDispute),
    (
        Stage::Initial,
        Format::PerinatalPostpartum,
        AreaKind::RoleTransition,
    ),
    (Stage::Referred, Format::Individual, AreaKind::Grief),
    (Stage::EndedEarly, Format::Group, AreaKind::RoleTransition),
    (
        Stage::Completed,
        Format::Individual,
        AreaKind::InterpersonalDeficits,
    ),
];

async fn seed_clinic(
    app: &App,
    rng: &mut Rng,
    users: &[UserRecord],
    anchor: Date,
) -> anyhow::Result<usize> {
    let clinicians: Vec<&UserRecord> = users.iter().filter(|u| u.role == Role::Clinician).collect();
    if clinicians.is_empty() {
        bail!("no clinician accounts to own the demo patients");
    }
    for (i, (stage, format, area)) in PLAN.iter().enumerate() {
        // The first clinician carries half the caseload, so signing in as `clinician` shows most.
        let clinician = if i % 2 == 0 {
            clinicians[0]
        } else {
            clinicians[1 + (i / 2) % (clinicians.len() - 1).max(1)]
        };
        seed_patient(app, rng, clinician.id, i, *stage, *format, *area, anchor).await?;
    }
    Ok(PLAN.len())
}

struct Seeder<'a> {
    app: &'a App,
    rng: &'a mut Rng,
    patient: PatientId,
}

impl Seeder<'_> {
    fn audit(&mut self, action: &str, entity: &str, id: Uuid) -> AuditEvent {
        system_audit(self.app, self.rng, action, entity, id, Some(self.patient))
    }
}

#[allow(clippy::too_many_arguments)]
async fn seed_patient(
    app: &App,
    rng: &mut Rng,
    clinician: UserId,
    index: usize,
    stage: Stage,
    format: Format,
    area: AreaKind,
    anchor: Date,
) -> anyhow::Result<()> {
    let store = app.seeding();
    let protocol = app.protocols.get(format).clone();
    let name = format!("{} {}", FIRST[index % FIRST.len()], rng.pick(LAST));
    let age = match format {
        Format::Adolescent => rng.range(13, 17),
        Format::OlderAdult => rng.range(66, 82),
        Format::PerinatalPostpartum | Format::PerinatalAntenatal => rng.range(24, 38),
        _ => rng.range(22, 60),
    };
    let dob = Date::from_calendar_date(
        anchor.year() - age as i32,
        time::Month::try_from(rng.range(1, 12) as u8)?,
        rng.range(1, 28) as u8,
    )?;
    let patient = Patient {
        id: rng.id(),
        name: PatientName::parse(&name)?,
        date_of_birth: Some(dob),
        language: if index % 3 == 1 {
            Language::En
        } else {
            Language::It
        },
        clinician,
        version: 1,
    };
    let mut s = Seeder {
        app,
        rng,
        patient: patient.id,
    };
    let a = s.audit("patient.create", "patient", patient.id.as_uuid());
    store.create_patient(&patient, &a).await?;

    // How many sessions have happened by the anchor.
    let total = protocol.default_sessions;
    let plan = protocol.phase_plan(total);
    let held: u16 = match stage {
        Stage::Referred => 0,
        Stage::Initial => plan.initial_end.clamp(1, 2),
        Stage::Middle => {
            let lo = plan.initial_end + 1;
            let hi = plan.termination_start - 1;
            s.rng.range(lo as i64, hi as i64) as u16
        }
        Stage::Termination => plan.termination_start,
        Stage::Completed | Stage::Maintenance => total,
        Stage::EndedEarly => plan.initial_end + 2,
    };
    let weeks_ago = held as i64
        + if matches!(stage, Stage::Completed | Stage::Maintenance) {
            6
        } else {
            0
        };
    // The latest session falls in the days before the anchor, so the next one is ahead.
    let started =
        anchor - Duration::weeks((weeks_ago - 1).max(0)) - Duration::days(s.rng.range(0, 2));
    let course_id: CourseId = s.rng.id();
    let mut course = Course::new(course_id, patient.id, clinician, &protocol, started);
    course.version = 1;

    // The story: who is in the patient's life, what happened, when the episode began.
    let onset = started - Duration::days(s.rng.range(45, 120));
    let (people, events) = story(&mut s, area, format, onset);
    let episode = MoodEpisode {
        id: s.rng.id(),
        onset: month_of(onset),
        end: None,
        severity: *s.rng.pick(&[
            EpisodeSeverity::Mild,
            EpisodeSeverity::Moderate,
            EpisodeSeverity::Moderate,
            EpisodeSeverity::Severe,
        ]),
        current: true,
        version: 1,
    };

    // The initial-phase records, for every course past referral.
    if stage != Stage::Referred {
        course.status = CourseStatus::Active(protocol.phases()[0]);
        let severity = match episode.severity {
            EpisodeSeverity::Mild => DepressionSeverity::Mild,
            EpisodeSeverity::Moderate => DepressionSeverity::Moderate,
            EpisodeSeverity::Severe => DepressionSeverity::Severe,
        };
        course.indication = IndicationRecord {
            symptoms: [
                Symptom::DepressedMood,
                Symptom::LossOfInterest,
                Symptom::SleepChange,
                Symptom::FatigueOrLossOfEnergy,
                Symptom::PoorConcentration,
            ]
            .into_iter()
            .chain(s.rng.chance(50).then_some(Symptom::WorthlessnessOrGuilt))
            .collect(),
            two_weeks_or_more: true,
            severity: Some(severity),
            interpersonal_link: format!(
                "Began after a {} (see timeline).",
                area.label().to_lowercase()
            ),
            first_line_reasons: [match format {
                Format::Adolescent => FirstLineReason::Adolescent,
                Format::OlderAdult => FirstLineReason::OlderAdult,
                Format::PerinatalAntenatal | Format::PerinatalPostpartum => {
                    FirstLineReason::PerinatalAvoidsMedication
                }
                Format::Group => FirstLineReason::LowResourceGroupSetting,
                _ => FirstLineReason::ClearInterpersonalTrigger,
            }]
            .into_iter()
            .collect(),
            escalation_flags: (severity == DepressionSeverity::Severe)
                .then_some(EscalationFlag::MoreSevereDepression)
                .into_iter()
                .collect(),
        };
        course.diagnosis = Some(Diagnosis::new(
            "Major depressive disorder, single episode",
            severity,
            started,
        )?);
    }
    let a = s.audit("course.create", "course", course_id.as_uuid());
    store
        .create_course(
            &Course {
                status: CourseStatus::Referred,
                ..course.clone()
            },
            &a,
        )
        .await?;
    if stage == Stage::Referred {
        return Ok(());
    }
    for p in &people {
        let a = s.audit(
            "inventory_person.create",
            "inventory_person",
            p.id.as_uuid(),
        );
        store.add_person(course_id, p, &a).await?;
    }
    for e in &events {
        let a = s.audit("timeline_event.create", "timeline_event", e.id.as_uuid());
        store.add_event(course_id, e, &a).await?;
    }
    let a = s.audit("mood_episode.create", "mood_episode", episode.id.as_uuid());
    store.add_episode(course_id, &episode, &a).await?;

    // Past the initial phase: the focus the suggestions point to, an accepted formulation, a
    // contract, and the start snapshot of the circle.
    let focus_area = match area {
        AreaKind::RoleDispute => ProblemArea::RoleDispute(
            *s.rng
                .pick(&[DisputeStage::Renegotiation, DisputeStage::Impasse]),
        ),
        AreaKind::Grief => ProblemArea::Grief,
        AreaKind::RoleTransition => ProblemArea::RoleTransition,
        AreaKind::InterpersonalDeficits => ProblemArea::InterpersonalDeficits,
    };
    let middle_date = started + Duration::weeks(plan.initial_end as i64);
    let past_initial = !matches!(stage, Stage::Initial | Stage::EndedEarly);
    if past_initial || stage == Stage::EndedEarly {
        course.focus = Some(FocusAreas::new(vec![focus_area])?);
        course.formulation = Some(Formulation::new(
            &format!(
                "Your depression is a common, treatable illness and not your fault. It began in the months after a {} \
                 and has kept going as things with the people close to you became harder. Over our remaining sessions we \
                 will work on this together.",
                area.label().to_lowercase()
            ),
            Some(middle_date - Duration::days(1)),
        )?);
        // Some patients have put the formulation in their own words for their portal.
        if index.is_multiple_of(2)
            && let Some(f) = course.formulation.take()
        {
            course.formulation =
                Some(f.with_patient_wording(patient_wording(area, patient.language))?);
        }
        // One course's contract ran out before its sessions did (a caseload signal to show).
        let end_date = if index == OVERRUNNING {
            middle_date + Duration::weeks(1)
        } else {
            started + Duration::weeks(total as i64 + 1)
        };
        let contract = Contract::new(
            &protocol,
            total,
            protocol.default_frequency,
            end_date,
            middle_date - Duration::days(1),
        )?;
        course.agree_contract(&protocol, contract);
    }
    // The initial phase's sessions are held before the middle phase starts, each first session
    // with its baseline measure (seeded with the sessions below).
    let facts = CourseFacts {
        inventory_people: people.len(),
        timeline_events: events.len(),
        baseline_measure_recorded: held >= 1,
        ..CourseFacts::default()
    };
    if past_initial || stage == Stage::EndedEarly {
        course
            .transition(
                CourseStatus::Active(protocol.phases()[1]),
                &facts,
                &protocol.gates,
                middle_date,
            )
            .ok();
        if protocol.phases()[1] == Phase::Middle {
            let snap = InventorySnapshot {
                id: s.rng.id(),
                kind: SnapshotKind::Start,
                taken_on: middle_date,
                people: people.iter().map(SnapshotPerson::of).collect(),
            };
            let a = s.audit(
                "inventory_snapshot.create",
                "inventory_snapshot",
                snap.id.as_uuid(),
            );
            store.add_snapshot(course_id, &snap, &a).await?;
        }
    }

    // Sessions and measures.
    let baseline = s.rng.range(12, 22) as f64;
    let responder = s.rng.chance(70);
    let mut last_phase = Phase::Initial;
    let mut held_sessions = vec![];
    let mut measures = vec![];
    for n in 1..=held {
        let date = started + Duration::weeks(n as i64 - 1);
        let phase = SessionPhase::derived(&course.phase_plan, SessionNumber::new(n)?);
        last_phase = phase.phase;
        let chance_no_show = s.rng.chance(8);
        let attendance =
            if (index == MISSING && n + 1 >= held && n > 1) || (n > 1 && chance_no_show) {
                Attendance::NoShow
            } else {
                Attendance::Attended
            };
        let attended = attendance == Attendance::Attended;
        let session = TherapySession {
            id: s.rng.id(),
            course: course_id,
            number: SessionNumber::new(n)?,
            date,
            phase: phase.clone(),
            modality: protocol.default_modality,
            attendance,
            special: protocol
                .special_sessions_at(n, &course.phase_plan)
                .first()
                .map(|r| r.kind),
            techniques: if attended {
                techniques_for(phase.phase)
            } else {
                vec![]
            },
            strategies: if attended && phase.phase == Phase::Middle {
                area.strategies().iter().take(2).copied().collect()
            } else {
                vec![]
            },
            tasks_done: if attended {
                protocol
                    .tasks
                    .get(&phase.phase)
                    .map(|t| t.iter().take(3).copied().collect())
                    .unwrap_or_default()
            } else {
                vec![]
            },
            checklist: vec![],
            interval_events: if attended {
                "Mood and contacts since last week reviewed.".into()
            } else {
                String::new()
            },
            agreed_actions: if attended && phase.phase == Phase::Middle {
                "Try one planned conversation this week.".into()
            } else {
                String::new()
            },
            risk_review: RiskReview {
                reviewed: attended,
                concern: false,
                note: String::new(),
            },
            notes: String::new(),
            next_date: Some(date + Duration::weeks(1)),
            version: 1,
        };
        let a = s.audit("session.create", "session", session.id.as_uuid());
        store.add_session(&session, None, None, &a).await?;
        held_sessions.push(session.clone());
        let measured = attended
            && index != UNMEASURED
            && (n == 1 || n.is_multiple_of(protocol.measure_every.max(1)) || n == total);
        if measured {
            let progress = n as f64 / total as f64;
            // One patient is getting worse (a caseload signal to show).
            let drop = if index == WORSENING {
                -2.5
            } else if index == NOT_IMPROVING {
                0.05
            } else if responder {
                0.65
            } else {
                0.2
            };
            let target = (baseline * (1.0 - drop * progress) + s.rng.range(-2, 2) as f64)
                .clamp(0.0, 27.0)
                .round() as u8;
            let risky = n == 1 && index % 7 == 3;
            let answers = phq9_answers(s.rng, target, risky);
            let result = score_phq9(&answers);
            let x = Assessment {
                id: s.rng.id(),
                patient: patient.id,
                course: Some(course_id),
                session: Some(session.id),
                instrument: "phq9".into(),
                answers: answers.into_iter().map(Some).collect(),
                status: AssessmentStatus::Final,
                mode: AdministrationMode::Clinician,
                administered_at: OffsetDateTime::new_utc(date, Time::from_hms(10, 0, 0)?),
                phase: Some(phase.phase),
                result: Some(result),
                version: 1,
            };
            measures.push(x.clone());
            // Perceived support and loneliness at the first and the last session, moving with
            // the course: better for most, worse where the main measure did not improve.
            if n == 1 || n == total {
                let better = responder && index != WORSENING && index != NOT_IMPROVING;
                // Some clinicians also give the RAS (a site with its licence would load its text).
                let codes: &[&str] = if index % 3 == 1 {
                    &["mspss", "ucla3", "ras"]
                } else {
                    &["mspss", "ucla3"]
                };
                for &code in codes {
                    let answers = secondary_answers(s.rng, code, n == total, better);
                    let y = Assessment {
                        id: s.rng.id(),
                        instrument: code.into(),
                        result: Some(
                            ipt_app::measures::summarise(code, &answers)
                                .expect("demo answers are valid"),
                        ),
                        answers,
                        administered_at: x.administered_at + Duration::minutes(10),
                        ..x.clone()
                    };
                    let a = s.audit("assessment.create", "assessment", y.id.as_uuid());
                    store.add_assessment(&y, None, &a).await?;
                    measures.push(y);
                }
            }
            let a = s.audit("assessment.create", "assessment", x.id.as_uuid());
            // A positive risk item raises an alert, as it would in the clinic.
            let alert =
                ipt_domain::alert::RiskAlert::from_assessment(&x, s.rng.id(), x.administered_at);
            store.add_assessment(&x, alert.as_ref(), &a).await?;
            // A course that has ended had its alerts seen and acted on first (no course ends
            // past an open alert): the demo clinician acknowledged it that day.
            if let Some(mut raised) = alert
                && matches!(
                    stage,
                    Stage::Completed | Stage::Maintenance | Stage::EndedEarly
                )
            {
                raised.acknowledge(
                    course.clinician,
                    "Phoned the patient the same day: no plan or intent; safety plan reviewed.",
                    x.administered_at + Duration::hours(2),
                )?;
                let ack = s.audit("risk_alert.acknowledge", "risk_alert", raised.id.as_uuid());
                store.acknowledge_alert(&raised, &ack).await?;
            }
        }
    }

    // The inventory's patterns across relationships, in the clinician's words, at the start.
    if stage != Stage::Referred {
        course.inventory_globals.set(
            SnapshotKind::Start,
            InventoryGlobals {
                relational_patterns: "Keeps others at a distance; expects to be let down.".into(),
                self_assertion: "Finds it hard to say no or to show anger, most of all at home."
                    .into(),
                social_risk_taking: "Rarely starts contact; stopped replying to friends.".into(),
                relationship_history: "A close grandmother in childhood; few friends at school."
                    .into(),
                recorded_on: Some(started + Duration::days(7)),
            },
        );
    }
    // A positive risk item led to a safety plan written with the patient that day.
    if let Some(on) = measures
        .iter()
        .find(|m| m.result.as_ref().is_some_and(|r| !r.risk_items.is_empty()))
        .map(|m| m.administered_at.date())
    {
        course.safety_plan = Some(ipt_domain::safety::SafetyPlan {
            warning_signs: "Lying awake going over mistakes; stopping answering messages.".into(),
            coping_steps: "Get up and make tea; walk round the block; put on a favourite album."
                .into(),
            people_and_places: "The library; a neighbour's kitchen.".into(),
            people_to_ask: "A sister (mobile); a close friend.".into(),
            professional_contacts: "The therapist on weekdays; the family doctor's surgery.".into(),
            safer_environment: "A relative keeps the spare tablets.".into(),
            written_on: Some(on),
        });
    }
    // Some patients came already taking an antidepressant.
    if index.is_multiple_of(3) {
        ipt_domain::safety::record_medication_change(
            &mut course.medication,
            ipt_domain::safety::MedicationChange {
                medicine: "Sertraline".into(),
                kind: ipt_domain::safety::MedicationChangeKind::AlreadyTaking,
                dose: "50 mg daily".into(),
                prescriber: "Family doctor".into(),
                on: started,
                note: String::new(),
            },
        )
        .map_err(|e| anyhow::anyhow!("demo medication: {}", e.code))?;
    }

    // Move the course to where the plan says it is, on the facts the records give.
    let facts = ipt_app::facts_of(
        &protocol,
        ipt_app::Beside {
            inventory_people: people.len(),
            timeline_events: events.len(),
            sessions: &held_sessions,
            assessments: &measures,
            open_alerts: 0,
        },
    );
    let today = started + Duration::weeks(held as i64);
    if matches!(
        stage,
        Stage::Termination | Stage::Completed | Stage::Maintenance
    ) || last_phase == Phase::Termination
    {
        course
            .transition(
                CourseStatus::Active(Phase::Termination),
                &facts,
                &protocol.gates,
                today,
            )
            .ok();
    }
    if matches!(stage, Stage::Completed | Stage::Maintenance) {
        course.relapse_plan = Some(RelapsePreventionPlan {
            warning_signs: "Sleeping badly for several nights; pulling away from friends.".into(),
            triggers: "Anniversaries, arguments at home, busy weeks at work.".into(),
            coping: "Keep the weekly walk with a friend; say what I need early.".into(),
            supports: "Partner, one close friend, the family doctor.".into(),
            seek_help: "If warning signs last two weeks, call the clinic. In a crisis, call emergency services.".into(),
            written_on: Some(today - Duration::days(7)),
        });
        let maintenance = stage == Stage::Maintenance;
        course.maintenance = Some(MaintenanceDecision {
            choice: if maintenance {
                MaintenanceChoice::MaintenanceIpt
            } else {
                MaintenanceChoice::NoFurtherTreatment
            },
            rationale: if maintenance {
                "Second episode; monthly sessions agreed.".into()
            } else {
                "Symptoms resolved; review with GP in 3 months.".into()
            },
            decided_on: today - Duration::days(7),
        });
        // And again at the end: easier for most, not for the course that did not improve.
        course.inventory_globals.set(
            SnapshotKind::End,
            InventoryGlobals {
                self_assertion: if facts.main_measure_not_improved {
                    "Still swallows disagreement; one attempt to speak up went badly.".into()
                } else {
                    "Said no to a family demand twice and explained why.".into()
                },
                social_risk_taking: if facts.main_measure_not_improved {
                    "Waits for others to get in touch.".into()
                } else {
                    "Rejoined a walking group; phones a friend weekly.".into()
                },
                recorded_on: Some(today - Duration::days(7)),
                ..Default::default()
            },
        );
        // A course whose measure did not improve records the next step in its review.
        if facts.main_measure_not_improved {
            course.termination = Some(TerminationReview {
                gains: "Kept the weekly contact with a friend going.".into(),
                feelings_about_ending: "Worried about managing alone.".into(),
                non_response_plan: "Symptoms have not improved enough: medication review with the GP and referral for a different psychological therapy discussed and agreed.".into(),
                reviewed_on: Some(today - Duration::days(7)),
            });
        }
        let target = if maintenance {
            CourseStatus::ContinuedInMaintenance
        } else {
            CourseStatus::Completed
        };
        if course
            .transition(target, &facts, &protocol.gates, today)
            .is_ok()
        {
            let snap = InventorySnapshot {
                id: s.rng.id(),
                kind: SnapshotKind::End,
                taken_on: today,
                people: people
                    .iter()
                    .map(|p| SnapshotPerson {
                        ring: if p.ring == ClosenessRing::Outer {
                            ClosenessRing::Middle
                        } else {
                            p.ring
                        },
                        // Speaking up got easier where the course helped, harder where not.
                        self_expression: p.self_expression.map(|r| {
                            let moved = if facts.main_measure_not_improved {
                                r.value().saturating_sub(1)
                            } else {
                                (r.value() + 1).min(SelfExpression::MAX)
                            };
                            SelfExpression::new(moved).expect("demo rating")
                        }),
                        ..SnapshotPerson::of(p)
                    })
                    .collect(),
            };
            let a = s.audit(
                "inventory_snapshot.create",
                "inventory_snapshot",
                snap.id.as_uuid(),
            );
            store.add_snapshot(course_id, &snap, &a).await?;
        }
    }
    if stage == Stage::EndedEarly {
        course
            .transition(
                CourseStatus::EndedEarly(EndReason::Dropout),
                &facts,
                &protocol.gates,
                today,
            )
            .ok();
    }
    let a = s.audit("course.update", "course", course_id.as_uuid());
    store.update_course(&course, &a).await?;

    for kind in course
        .focus
        .iter()
        .flat_map(|f| f.areas().iter().map(|a| a.kind()))
    {
        let goal = Goal {
            id: s.rng.id(),
            area: kind,
            description: goal_text(kind).into(),
            progress: Some(s.rng.range(2, 8) as u8),
            status: GoalStatus::Open,
            version: 1,
        };
        let a = s.audit("goal.create", "goal", goal.id.as_uuid());
        store.add_goal(course_id, &goal, &a).await?;
    }

    if stage == Stage::Maintenance {
        let mut m = Course::maintenance_after(
            &course,
            s.rng.id(),
            app.protocols.get(Format::Maintenance),
            today + Duration::weeks(2),
        );
        m.version = 1;
        let mp = app.protocols.get(Format::Maintenance);
        let contract = Contract::new(
            mp,
            24,
            Frequency::Monthly,
            today + Duration::weeks(2 + 104),
            today + Duration::weeks(2),
        )?;
        m.agree_contract(mp, contract);
        let a = s.audit("course.create", "course", m.id.as_uuid());
        store.create_course(&m, &a).await?;
        m.transition(
            CourseStatus::Active(Phase::Maintenance),
            &facts,
            &mp.gates,
            today + Duration::weeks(2),
        )
        .ok();
        let a = s.audit("course.update", "course", m.id.as_uuid());
        store.update_course(&m, &a).await?;
    }
    // The patient's mood diary on the portal, for courses under way.
    if matches!(stage, Stage::Middle | Stage::Termination) {
        let diary_seed = s.rng.next();
        seed_diary(app, diary_seed, &patient, course_id, &people, anchor).await?;
    }
    Ok(())
}

/// The formulation as a demo patient might put it in their own words, in their language.
fn patient_wording(area: AreaKind, language: Language) -> &'static str {
    match (area, language) {
        (AreaKind::Grief, Language::En) => {
            "Since someone I loved died, I have felt low and cut off. Missing them, and not talking about it, has kept my mood down. In our sessions we are making room for the grief, and for the people and things that matter to me."
        }
        (AreaKind::Grief, Language::It) => {
            "Da quando è morta una persona che amavo mi sento giù e isolato. La mancanza, e il non parlarne, mi hanno tenuto basso l'umore. Nelle sedute facciamo spazio al lutto, e alle persone e alle cose che contano per me."
        }
        (AreaKind::RoleDispute, Language::En) => {
            "My low mood is tied up with the arguments at home. We expect different things from each other and keep going round in circles. In our sessions we are looking at what I want and how to say it."
        }
        (AreaKind::RoleDispute, Language::It) => {
            "Il mio umore basso è legato alle discussioni a casa. Ci aspettiamo cose diverse l'uno dall'altra e giriamo in tondo. Nelle sedute guardiamo che cosa voglio e come dirlo."
        }
        (AreaKind::RoleTransition, Language::En) => {
            "Since the big change in my life, I have lost my footing and my mood has dropped. In our sessions we are looking at what I lost, what is new, and how to find my feet again."
        }
        (AreaKind::RoleTransition, Language::It) => {
            "Dal grande cambiamento nella mia vita ho perso l'equilibrio e l'umore è calato. Nelle sedute guardiamo che cosa ho perso, che cosa c'è di nuovo e come ritrovare la mia strada."
        }
        (AreaKind::InterpersonalDeficits, Language::En) => {
            "I have felt alone for a long time, and being low makes it harder to reach out. In our sessions we are taking small steps to get closer to people."
        }
        (AreaKind::InterpersonalDeficits, Language::It) => {
            "Mi sento solo da molto tempo, e quando sono giù è ancora più difficile cercare gli altri. Nelle sedute facciamo piccoli passi per avvicinarmi alle persone."
        }
    }
}

/// Three to four weeks of a synthetic mood diary, up to the day before the anchor, with a day
/// left out now and then, from a generator seeded by the demo's; each person leans the day one
/// way, so the "people and mood" summary has a pattern to show.
async fn seed_diary(
    app: &App,
    seed: u64,
    patient: &Patient,
    course: CourseId,
    people: &[InventoryPerson],
    anchor: Date,
) -> anyhow::Result<()> {
    use ipt_domain::diary::{DiaryEntry, DiaryMood, Interaction, InteractionQuality};
    let store = app.seeding();
    let mut rng = Rng::new(seed, anchor - Duration::days(60));
    let living: Vec<&InventoryPerson> = people.iter().filter(|p| !p.deceased).collect();
    let lean: Vec<i64> = living.iter().map(|_| rng.range(-2, 2)).collect();
    let notes: [&str; 4] = match patient.language {
        Language::En => [
            "Quiet day at home.",
            "Went for a walk in the afternoon.",
            "Hard to get up this morning.",
            "Long phone call in the evening.",
        ],
        Language::It => [
            "Giornata tranquilla a casa.",
            "Nel pomeriggio ho fatto una passeggiata.",
            "Stamattina è stato difficile alzarmi.",
            "Lunga telefonata la sera.",
        ],
    };
    let days = rng.range(21, 28);
    for n in (1..=days).rev() {
        if rng.chance(15) {
            continue;
        }
        let date = anchor - Duration::days(n);
        // A slow rise over the weeks, moved by how the day's contacts went.
        let mut mood = 3.5 + 2.5 * (days - n) as f64 / days as f64;
        let mut interactions = vec![];
        for (p, l) in living.iter().zip(&lean) {
            if interactions.len() < 4 && rng.chance(40) {
                let q = (l + rng.range(-1, 1)).clamp(-2, 2);
                mood += 0.7 * q as f64;
                // Every third day the patient also says how easy it was to speak up: a
                // little easier as the weeks go by, and on the days the contact went well.
                let speak = (n % 3 == 0).then(|| {
                    let r = (1 + 2 * (days - n) / days + i64::from(q > 0)).clamp(0, 4);
                    ipt_domain::inventory::SelfExpression::new(r as u8).expect("demo rating")
                });
                interactions.push(Interaction {
                    person: Some(p.id),
                    alias: p.alias.as_str().to_string(),
                    quality: InteractionQuality::new(q as i8)?,
                    self_expression: speak,
                });
            }
        }
        mood += rng.range(-1, 1) as f64;
        let entry = DiaryEntry {
            id: rng.id(),
            course,
            patient: patient.id,
            date,
            mood: DiaryMood::new(mood.round().clamp(0.0, 10.0) as u8)?,
            interactions,
            note: if rng.chance(25) {
                rng.pick(&notes).to_string()
            } else {
                String::new()
            },
            recorded_at: OffsetDateTime::new_utc(date, Time::from_hms(21, 0, 0)?),
            version: 1,
        };
        let a = system_audit(
            app,
            &mut rng,
            "diary.create",
            "diary_entry",
            entry.id.as_uuid(),
            Some(patient.id),
        );
        store.add_diary_entry(&entry, &a).await?;
    }
    Ok(())
}

fn goal_text(area: AreaKind) -> &'static str {
    match area {
        AreaKind::Grief => {
            "Talk about the loss with one person I trust; return to one activity we shared."
        }
        AreaKind::RoleDispute => {
            "Say clearly what I need in the disagreement, once a week, without shouting."
        }
        AreaKind::RoleTransition => {
            "Find two good things in the new role and one person who can help with it."
        }
        AreaKind::InterpersonalDeficits => {
            "Start or renew contact with two people and keep it going weekly."
        }
    }
}

fn techniques_for(phase: Phase) -> Vec<Technique> {
    match phase {
        Phase::Initial => vec![
            Technique::ExploratoryNondirective,
            Technique::ExploratoryDirect,
        ],
        Phase::Middle => vec![
            Technique::CommunicationAnalysis,
            Technique::EncourageAffect,
            Technique::RolePlay,
        ],
        Phase::Termination | Phase::Maintenance => {
            vec![Technique::Clarification, Technique::EncourageAffect]
        }
    }
}

/// Nine PHQ-9 item answers that add up to `total` (item 9 positive only when `risky`).
fn phq9_answers(rng: &mut Rng, total: u8, risky: bool) -> Vec<u8> {
    let mut items = [0u8; 9];
    if risky {
        items[8] = 1;
    }
    let mut left = total.saturating_sub(items[8]).min(24);
    while left > 0 {
        let i = rng.range(0, 7) as usize;
        if items[i] < 3 {
            items[i] += 1;
            left -= 1;
        }
    }
    items.to_vec()
}

/// Answers to a secondary measure (MSPSS, UCLA-3) at the start (`end` false) or the end of a
/// course: support starts low-to-moderate and loneliness high; at the end they have moved
/// the better way when `better`, and the worse way otherwise.
fn secondary_answers(rng: &mut Rng, code: &str, end: bool, better: bool) -> Vec<Option<u8>> {
    if code == "ras" {
        // The RAS is answered −3 … +3 (no 0) and stored as codes: how assertive each answer
        // is, low at the start, higher at the end when better and lower when not, turned
        // round on the reverse-keyed items.
        let inst = ipt_domain::measures::Catalogue::builtin()
            .get("ras")
            .expect("the RAS is in the catalogue");
        return inst
            .items
            .iter()
            .map(|item| {
                let level = match (end, better) {
                    (false, _) => -1 - rng.range(0, 1),
                    (true, true) => 1 + rng.range(0, 1),
                    (true, false) => -2 - rng.range(0, 1),
                };
                let published = if item.reverse_keyed { -level } else { level };
                inst.scale_of(item).code_of(published).map(|c| c as u8)
            })
            .collect();
    }
    let (items, lo, hi, start, shift) = match code {
        // MSPSS: twelve items 1–7, higher is more support.
        "mspss" => (12, 1, 7, 3, if better { 2 } else { -1 }),
        // UCLA-3: three items 1–3, higher is lonelier.
        _ => (3, 1, 3, 2, if better { -1 } else { 1 }),
    };
    (0..items)
        .map(|_| {
            let centre = start + if end { shift } else { 0 };
            Some((centre + rng.range(0, 1)).clamp(lo, hi) as u8)
        })
        .collect()
}

/// Score a demo PHQ-9 through the measurement engine, as a real entry would be.
fn score_phq9(answers: &[u8]) -> ScoreSummary {
    let answers: Vec<Option<u8>> = answers.iter().copied().map(Some).collect();
    ipt_app::measures::summarise("phq9", &answers).expect("demo PHQ-9 answers are valid")
}

/// The month a date falls in: demo stories are remembered to the month.
fn month_of(d: Date) -> ipt_domain::approx_date::ApproxDate {
    ipt_domain::approx_date::ApproxDate::Month(d.year(), d.month())
}

/// The people and events of a demo story for one problem area.
fn story(
    s: &mut Seeder<'_>,
    area: AreaKind,
    format: Format,
    onset: Date,
) -> (Vec<InventoryPerson>, Vec<TimelineEvent>) {
    let mut people = vec![];
    let mut events = vec![];
    let mut person = |s: &mut Seeder<'_>,
                      alias: &str,
                      rel: RelationshipKind,
                      ring: u8,
                      confidant: bool,
                      conflict: ConflictLevel,
                      deceased: bool| {
        let p = InventoryPerson {
            id: s.rng.id(),
            alias: Alias::parse(alias).expect("demo alias"),
            relationship: rel,
            ring: ClosenessRing::new(ring).expect("demo ring"),
            contact_frequency: if deceased {
                String::new()
            } else {
                s.rng
                    .pick(&["daily", "weekly", "twice a month", "rarely"])
                    .to_string()
            },
            confidant,
            practical_support: confidant && !deceased,
            conflict,
            reciprocity: if conflict == ConflictLevel::None {
                Reciprocity::Met
            } else {
                Reciprocity::NotMet
            },
            deceased,
            area_tags: vec![],
            // "How easy is it to tell this person what you need?": hardest where they argue.
            self_expression: (!deceased).then(|| {
                let r = match (conflict, confidant) {
                    (ConflictLevel::Open, _) => 1,
                    (ConflictLevel::Hidden, _) => 2,
                    (_, true) => 3,
                    _ => 2,
                };
                SelfExpression::new(r).expect("demo rating")
            }),
            notes: InventoryNotes::default(),
            version: 1,
        };
        people.push(p.clone());
        p
    };
    let mut event = |s: &mut Seeder<'_>,
                     kind: EventKind,
                     months_before: i64,
                     who: Option<InventoryPersonId>,
                     text: &str| {
        let d = onset - Duration::days(months_before * 30);
        events.push(TimelineEvent {
            id: s.rng.id(),
            date: month_of(d),
            kind,
            person: who,
            description: text.into(),
            version: 1,
        });
    };
    match format {
        Format::Adolescent => {
            let mum = person(
                s,
                "Mum",
                RelationshipKind::Parent,
                1,
                true,
                if area == AreaKind::RoleDispute {
                    ConflictLevel::Open
                } else {
                    ConflictLevel::None
                },
                false,
            );
            person(
                s,
                "Best friend",
                RelationshipKind::Friend,
                2,
                area != AreaKind::InterpersonalDeficits,
                ConflictLevel::None,
                false,
            );
            person(
                s,
                "Form tutor",
                RelationshipKind::Professional,
                3,
                false,
                ConflictLevel::None,
                false,
            );
            match area {
                AreaKind::RoleDispute => event(
                    s,
                    EventKind::Conflict,
                    1,
                    Some(mum.id),
                    "Arguments about going out and school",
                ),
                _ => event(
                    s,
                    EventKind::Move,
                    30,
                    None,
                    "Changed school after moving town",
                ),
            }
        }
        Format::PerinatalPostpartum | Format::PerinatalAntenatal => {
            let partner = person(
                s,
                "Partner",
                RelationshipKind::Partner,
                1,
                area != AreaKind::RoleDispute,
                if area == AreaKind::RoleDispute {
                    ConflictLevel::Hidden
                } else {
                    ConflictLevel::None
                },
                false,
            );
            person(
                s,
                "Own mother",
                RelationshipKind::Parent,
                2,
                true,
                ConflictLevel::None,
                false,
            );
            person(
                s,
                "Work friend",
                RelationshipKind::Colleague,
                3,
                false,
                ConflictLevel::None,
                false,
            );
            event(
                s,
                EventKind::BirthOrPregnancy,
                2,
                None,
                "Birth of first child",
            );
            if area == AreaKind::RoleDispute {
                event(
                    s,
                    EventKind::Conflict,
                    1,
                    Some(partner.id),
                    "Disagreements over night feeds and work",
                );
            }
        }
        _ => match area {
            AreaKind::Grief => {
                let alias = if format == Format::OlderAdult {
                    "Husband"
                } else {
                    "Mother"
                };
                let rel = if format == Format::OlderAdult {
                    RelationshipKind::Partner
                } else {
                    RelationshipKind::Parent
                };
                let lost = person(s, alias, rel, 1, true, ConflictLevel::None, true);
                person(
                    s,
                    "Daughter",
                    RelationshipKind::Child,
                    2,
                    true,
                    ConflictLevel::None,
                    false,
                );
                person(
                    s,
                    "Neighbour",
                    RelationshipKind::Neighbour,
                    3,
                    false,
                    ConflictLevel::None,
                    false,
                );
                event(
                    s,
                    EventKind::Death,
                    3,
                    Some(lost.id),
                    "Died after a short illness",
                );
            }
            AreaKind::RoleDispute => {
                let partner = person(
                    s,
                    "Partner",
                    RelationshipKind::Partner,
                    1,
                    false,
                    ConflictLevel::Open,
                    false,
                );
                person(
                    s,
                    "Sister",
                    RelationshipKind::Sibling,
                    2,
                    true,
                    ConflictLevel::None,
                    false,
                );
                person(
                    s,
                    "Colleague",
                    RelationshipKind::Colleague,
                    3,
                    false,
                    ConflictLevel::None,
                    false,
                );
                event(
                    s,
                    EventKind::Conflict,
                    2,
                    Some(partner.id),
                    "Repeated arguments about money and housework",
                );
            }
            AreaKind::RoleTransition => {
                person(
                    s,
                    "Partner",
                    RelationshipKind::Partner,
                    1,
                    true,
                    ConflictLevel::None,
                    false,
                );
                person(
                    s,
                    "Old team",
                    RelationshipKind::Colleague,
                    0,
                    false,
                    ConflictLevel::None,
                    false,
                );
                person(
                    s,
                    "Friend from school",
                    RelationshipKind::Friend,
                    2,
                    false,
                    ConflictLevel::None,
                    false,
                );
                if format == Format::OlderAdult {
                    event(
                        s,
                        EventKind::Retirement,
                        3,
                        None,
                        "Retired after 35 years at the same firm",
                    );
                } else {
                    event(s, EventKind::JobChange, 2, None, "Made redundant");
                }
            }
            AreaKind::InterpersonalDeficits => {
                person(
                    s,
                    "Brother",
                    RelationshipKind::Sibling,
                    3,
                    false,
                    ConflictLevel::None,
                    false,
                );
                person(
                    s,
                    "Neighbour",
                    RelationshipKind::Neighbour,
                    3,
                    false,
                    ConflictLevel::None,
                    false,
                );
                event(s, EventKind::Move, 60, None, "Moved to the city for work");
            }
        },
    }
    let _ = PhaseTask::TrackSymptoms;
    (people, events)
}
