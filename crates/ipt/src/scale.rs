//! Synthetic data at scale, for benchmarks: `ipt demo --scale N --seed S`.
//!
//! Deterministic for a seed (the same seed and N give the same records, ids included), and fast:
//! records go in through `Store::bulk_load`, a few hundred patients per transaction, each batch
//! recorded by one audit event. Every patient has one course (most completed, the rest in their
//! middle phase), a session per week, a PHQ-9 at every session, GAD-7 and WSAS at the start and
//! the end, and one in five keeps a mood diary. Names are made up from syllables; no real person
//! is described.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use ipt_app::ports::{AuditEvent, BulkLoad, Store, UserRecord};
use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::Role;
use ipt_domain::course::{Course, CourseStatus};
use ipt_domain::diary::{DiaryEntry, DiaryMood, Interaction, InteractionQuality};
use ipt_domain::ids::{CourseId, PatientId, UserId};
use ipt_domain::patient::{Language, Patient, PatientName};
use ipt_domain::protocol::{Format, Modality, Phase, ProtocolCatalogue};
use ipt_domain::session::{
    Attendance, RiskReview, SessionNumber, SessionPhase, Technique, TherapySession,
};
use time::{Date, Duration, OffsetDateTime, Time};
use uuid::Uuid;

use crate::demo::Rng;

/// Patients per clinician in the generated programme.
pub const CASELOAD: u64 = 40;
/// Patients per bulk-load transaction.
const BATCH: u64 = 250;
/// The password of every generated clinician account (`scale-clinician-000001` …).
pub const PASSWORD: &str = "demo";

/// What was generated.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ScaleReport {
    pub patients: u64,
    pub clinicians: u64,
    pub courses: u64,
    pub sessions: u64,
    pub assessments: u64,
    pub diary_entries: u64,
    pub seconds: f64,
}

/// The username of the n-th generated clinician (from 1).
pub fn clinician_username(n: u64) -> String {
    format!("scale-clinician-{n:06}")
}

/// The generator's random numbers for a seed. The first number drawn is the first
/// clinician's id, which is how `check_copy` recognises the seed of a database.
fn rng_of(seed: u64) -> anyhow::Result<Rng> {
    Ok(Rng::new(seed, anchor()? - Duration::days(800)))
}

/// The anchor is fixed so that a seed always gives the same data.
fn anchor() -> anyhow::Result<Date> {
    Ok(Date::from_calendar_date(2026, time::Month::November, 2)?)
}

/// Check that a database made earlier by `generate` holds `patients` patients of `seed`, as
/// generated (nothing more, nothing less); answer how many clinicians it has.
pub async fn check_copy(store: &dyn Store, patients: u64, seed: u64) -> anyhow::Result<u64> {
    let found = store.count_patients().await?;
    anyhow::ensure!(
        found == patients,
        "it holds {found} patients, not {patients}; make it with `ipt demo --scale {patients} \
         --seed {seed}` into an empty database"
    );
    let first: UserId = rng_of(seed)?.id();
    let user = store.user(first).await?;
    anyhow::ensure!(
        user.is_some_and(|u| u.username == clinician_username(1)),
        "it was not generated with seed {seed}; give the same --seed as `ipt demo --scale` had"
    );
    Ok(patients.div_ceil(CASELOAD))
}

/// Generate `patients` synthetic patients with their courses into an empty database.
pub async fn generate(
    store: Arc<dyn Store>,
    patients: u64,
    seed: u64,
) -> anyhow::Result<ScaleReport> {
    anyhow::ensure!(patients > 0, "--scale needs at least 1 patient");
    let existing = store.count_patients().await?;
    anyhow::ensure!(
        existing == 0,
        "the database already holds {existing} patients; scale data goes into an empty database"
    );
    let started = Instant::now();
    let anchor = anchor()?;
    let mut rng = rng_of(seed)?;
    let protocols = ProtocolCatalogue::default();
    let mut report = ScaleReport {
        patients,
        ..Default::default()
    };

    // Clinicians: one per CASELOAD patients, all with the same (hashed once) password.
    let hash = ipt_app::password::hash(PASSWORD)?;
    let clinicians = patients.div_ceil(CASELOAD);
    let mut clinician_ids = Vec::with_capacity(clinicians as usize);
    for n in 1..=clinicians {
        let user = UserRecord {
            id: rng.id(),
            username: clinician_username(n),
            display_name: format!("Clinician {n}"),
            role: Role::Clinician,
            password_hash: hash.clone(),
            active: true,
            supervisor: None,
            version: 1,
        };
        store
            .create_user(
                &user,
                &audit(&mut rng, "user.create", "user", user.id.as_uuid(), anchor),
            )
            .await
            .with_context(|| format!("creating {}", user.username))?;
        clinician_ids.push(user.id);
    }
    report.clinicians = clinicians;

    let mut next = 0u64;
    while next < patients {
        let end = (next + BATCH).min(patients);
        let mut batch = BulkLoad::default();
        for i in next..end {
            let clinician = clinician_ids[(i / CASELOAD) as usize];
            patient_records(&mut rng, &protocols, &mut batch, i, clinician, anchor)?;
        }
        report.courses += batch.courses.len() as u64;
        report.sessions += batch.sessions.len() as u64;
        report.assessments += batch.assessments.len() as u64;
        report.diary_entries += batch.diary.len() as u64;
        let a = audit(&mut rng, "demo.scale_batch", "batch", Uuid::nil(), anchor);
        store
            .bulk_load(&batch, &a)
            .await
            .with_context(|| format!("loading patients {next}..{end}"))?;
        next = end;
        if next.is_multiple_of(10_000) || next == patients {
            tracing::info!(patients = next, "scale data loaded");
        }
    }
    // Fresh planner statistics for what was just loaded (#15): PostgreSQL without them plans the
    // caseload as a scan of every course.
    store
        .refresh_statistics()
        .await
        .context("refreshing the table statistics after the load")?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn audit(rng: &mut Rng, action: &str, entity: &str, id: Uuid, anchor: Date) -> AuditEvent {
    AuditEvent {
        id: rng.id(),
        at: anchor.midnight().assume_utc(),
        actor: None,
        action: action.into(),
        entity: entity.into(),
        entity_id: id,
        patient: None,
    }
}

const SYLLABLES: [&str; 16] = [
    "ka", "lo", "mi", "ra", "te", "no", "si", "va", "de", "lu", "po", "ne", "ri", "sa", "to", "be",
];

fn made_up_name(rng: &mut Rng) -> String {
    let word = |rng: &mut Rng, n: usize| {
        let mut w: String = (0..n).map(|_| *rng.pick(&SYLLABLES)).collect();
        w[..1].make_ascii_uppercase();
        w
    };
    let first = word(rng, 2);
    let last = word(rng, 3);
    format!("{first} {last}")
}

/// PHQ-9 answers (0–3 each) adding up to `total`, spread over the items; item 9 is 1 when
/// `risky`, else 0.
fn phq9_answers(rng: &mut Rng, total: u8, risky: bool) -> Vec<Option<u8>> {
    let mut items = [0u8; 9];
    items[8] = u8::from(risky);
    let mut left = total.min(24).saturating_sub(items[8]);
    while left > 0 {
        let i = rng.range(0, 7) as usize;
        if items[i] < 3 {
            items[i] += 1;
            left -= 1;
        }
    }
    items.into_iter().map(Some).collect()
}

/// Answers for an instrument with `items` items scored 0..=`max`, adding up to about `total`.
fn spread(rng: &mut Rng, items: usize, max: u8, total: u32) -> Vec<Option<u8>> {
    let mut out = vec![0u8; items];
    let mut left = total.min(items as u32 * max as u32);
    while left > 0 {
        let i = rng.range(0, items as i64 - 1) as usize;
        if out[i] < max {
            out[i] += 1;
            left -= 1;
        }
    }
    out.into_iter().map(Some).collect()
}

fn final_assessment(
    rng: &mut Rng,
    patient: PatientId,
    course: CourseId,
    instrument: &str,
    answers: Vec<Option<u8>>,
    at: OffsetDateTime,
    phase: Phase,
) -> anyhow::Result<Assessment> {
    let result = ipt_app::measures::summarise(instrument, &answers)
        .map_err(|e| anyhow::anyhow!("scoring {instrument}: {e}"))?;
    Ok(Assessment {
        id: rng.id(),
        patient,
        course: Some(course),
        session: None,
        instrument: instrument.into(),
        answers,
        status: AssessmentStatus::Final,
        mode: AdministrationMode::SelfReport,
        administered_at: at,
        phase: Some(phase),
        result: Some(result),
        version: 1,
    })
}

fn patient_records(
    rng: &mut Rng,
    protocols: &ProtocolCatalogue,
    batch: &mut BulkLoad,
    index: u64,
    clinician: UserId,
    anchor: Date,
) -> anyhow::Result<()> {
    let protocol = protocols.get(Format::Individual);
    let patient = Patient {
        id: rng.id(),
        name: PatientName::parse(&made_up_name(rng))?,
        date_of_birth: Date::from_calendar_date(
            1950 + rng.range(0, 55) as i32,
            time::Month::try_from(rng.range(1, 12) as u8)?,
            rng.range(1, 28) as u8,
        )
        .ok(),
        language: if index.is_multiple_of(2) {
            Language::It
        } else {
            Language::En
        },
        clinician,
        version: 1,
    };
    let total = protocol.default_sessions;
    let plan = protocol.phase_plan(total);
    // Seven in ten courses are over; the rest are part-way through their middle phase.
    let completed = rng.chance(70);
    let held: u16 = if completed {
        total
    } else {
        rng.range(
            plan.initial_end as i64 + 1,
            plan.termination_start as i64 - 1,
        ) as u16
    };
    let weeks_back = held as i64 + if completed { rng.range(1, 60) } else { 0 };
    let started = anchor - Duration::weeks(weeks_back) - Duration::days(rng.range(0, 4));
    let course_id: CourseId = rng.id();
    let mut course = Course::new(course_id, patient.id, clinician, protocol, started);
    course.version = 1;
    course.status = if completed {
        CourseStatus::Completed
    } else {
        CourseStatus::Active(Phase::Middle)
    };
    if completed {
        course.ended_on = Some(started + Duration::weeks(total as i64 - 1));
    }

    // Scores: a baseline in the moderate to severe range, falling for most, not for all.
    let baseline = rng.range(10, 24) as f64;
    let responder = rng.chance(55);
    let end_fraction = if responder {
        rng.range(10, 50) as f64 / 100.0
    } else {
        rng.range(60, 115) as f64 / 100.0
    };
    let at = |d: Date| {
        d.with_time(Time::from_hms(10, 0, 0).expect("valid time"))
            .assume_utc()
    };
    for n in 1..=held {
        let date = started + Duration::weeks(n as i64 - 1);
        let number = SessionNumber::new(n)?;
        let phase = SessionPhase::derived(&plan, number);
        let missed = n > 2 && rng.chance(6);
        batch.sessions.push(TherapySession {
            id: rng.id(),
            course: course_id,
            number,
            date,
            phase: phase.clone(),
            modality: Modality::InPerson,
            attendance: if missed {
                Attendance::NoShow
            } else {
                Attendance::Attended
            },
            special: None,
            techniques: if missed {
                vec![]
            } else {
                vec![Technique::CommunicationAnalysis]
            },
            strategies: vec![],
            tasks_done: vec![],
            checklist: vec![],
            interval_events: String::new(),
            agreed_actions: String::new(),
            risk_review: RiskReview {
                reviewed: !missed,
                concern: false,
                note: String::new(),
            },
            notes: String::new(),
            next_date: (n < total).then(|| date + Duration::weeks(1)),
            version: 1,
        });
        if missed {
            continue;
        }
        let progress = (n - 1) as f64 / (total.max(2) - 1) as f64;
        let expected = baseline * (1.0 - progress * (1.0 - end_fraction));
        let noisy = (expected + rng.range(-2, 2) as f64).clamp(0.0, 24.0);
        // About one PHQ-9 in fifty answers item 9 positively and raises an alert, as in a clinic
        // (#15: the alert lists must be measured with other clinicians' alerts in the table). An
        // alert of a course that is over, or older than a week, was acknowledged the next day.
        let risky = rng.chance(2);
        let answers = phq9_answers(rng, noisy.round() as u8, risky);
        let phq9 = final_assessment(
            rng,
            patient.id,
            course_id,
            "phq9",
            answers,
            at(date),
            phase.phase,
        )?;
        if let Some(mut alert) = RiskAlert::from_assessment(&phq9, rng.id(), phq9.administered_at) {
            if completed || date < anchor - Duration::weeks(1) {
                alert
                    .acknowledge(
                        clinician,
                        "Called the same day; no plan or intent; safety plan reviewed.",
                        phq9.administered_at + Duration::days(1),
                    )
                    .map_err(|e| anyhow::anyhow!("acknowledging a scale alert: {e}"))?;
            }
            batch.alerts.push(alert);
        }
        batch.assessments.push(phq9);
        let first = n == 1;
        let last = completed && n == total;
        if first || last {
            let scale = if first { 1.0 } else { end_fraction };
            let gad7 = spread(rng, 7, 3, (baseline * 0.7 * scale).round() as u32);
            batch.assessments.push(final_assessment(
                rng,
                patient.id,
                course_id,
                "gad7",
                gad7,
                at(date),
                phase.phase,
            )?);
            let wsas = spread(rng, 5, 8, (baseline * 1.2 * scale).round() as u32);
            batch.assessments.push(final_assessment(
                rng,
                patient.id,
                course_id,
                "wsas",
                wsas,
                at(date),
                phase.phase,
            )?);
        }
    }

    // One in five keeps a diary over the last fortnight of their course.
    if rng.chance(20) && held > 0 {
        let last_day = started + Duration::weeks(held as i64 - 1);
        for d in 0..14 {
            let date = last_day - Duration::days(13 - d);
            let people = ["Partner", "Sister", "Friend", "Colleague"];
            let interactions = (0..rng.range(0, 2))
                .map(|k| -> anyhow::Result<Interaction> {
                    Ok(Interaction {
                        person: None,
                        alias: people[(k as usize + d as usize) % people.len()].into(),
                        quality: InteractionQuality::new(rng.range(-2, 2) as i8)?,
                        self_expression: None,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            batch.diary.push(DiaryEntry {
                id: rng.id(),
                course: course_id,
                patient: patient.id,
                date,
                mood: DiaryMood::new(rng.range(2, 8) as u8)?,
                interactions,
                note: String::new(),
                recorded_at: at(date),
                version: 1,
            });
        }
    }
    batch.patients.push(patient);
    batch.courses.push(course);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_add_up_to_the_total() {
        let mut rng = Rng::new(
            7,
            Date::from_calendar_date(2026, time::Month::January, 5).unwrap(),
        );
        for total in [0u8, 5, 13, 24] {
            let a = phq9_answers(&mut rng, total, false);
            assert_eq!(a.iter().map(|x| x.unwrap()).sum::<u8>(), total);
            assert_eq!(a[8], Some(0), "item 9 is positive only when asked");
            let a = phq9_answers(&mut rng, total.max(1), true);
            assert_eq!(a.iter().map(|x| x.unwrap()).sum::<u8>(), total.max(1));
            assert_eq!(a[8], Some(1));
        }
        let w = spread(&mut rng, 5, 8, 30);
        assert_eq!(w.iter().map(|x| x.unwrap() as u32).sum::<u32>(), 30);
    }

    #[test]
    fn names_are_made_up_and_deterministic() {
        let d = Date::from_calendar_date(2026, time::Month::January, 5).unwrap();
        let a = made_up_name(&mut Rng::new(3, d));
        let b = made_up_name(&mut Rng::new(3, d));
        assert_eq!(a, b);
        assert!(PatientName::parse(&a).is_ok());
    }
}
