//! Caseload signals: the few facts about a course that call for a clinician's attention, each
//! carrying the numbers that explain it and the place where it can be acted on.
//!
//! The rules, in the order a caseload lists them:
//!
//! | Signal | Raised when |
//! |---|---|
//! | open risk alerts | the patient has a risk alert that nobody has acknowledged yet |
//! | reliable deterioration | the latest total of the main measure is reliably worse than the first (the instrument's reliable-change threshold, as configured in `[measures.change]`) |
//! | not on track | an open course has reached mid-course (half the planned sessions attended) and the main measure has improved by less than the configured percentage of its first total (default 20 %) |
//! | measures overdue | an open course is behind the protocol's measurement schedule: a baseline once a session has been attended, a repeat every `measure_every` attended sessions, and an end measure in the termination phase |
//! | missed sessions | the latest recorded sessions of an open course are two or more no-shows in a row (cancellations neither break nor extend the run) |
//! | contract overrunning | an open course has attended more sessions than contracted, or today is past the contract's end date |
//! | ending to discuss | a course still in its middle phase is within [`ENDING_SESSIONS_AHEAD`] attended sessions of its planned count, or within [`ENDING_DAYS_AHEAD`] days of the contract's end date: time to start the termination discussion (reference §1.1, termination tasks: "about 2–4 sessions ahead") |
//!
//! Signals support clinical judgement; they never say a patient is well or ill. A course that
//! has ended raises no schedule, attendance or contract signals: there is nothing left to
//! schedule. Pure: the caller passes the facts and today's date.

use time::Date;

use crate::course::Course;
use crate::measures::{ChangeConfig, Direction, Instrument};
use crate::protocol::{Format, Phase, Protocol};
use crate::session::{Attendance, TherapySession};

/// The default "not on track" threshold: at least 20 % improvement from the first total.
///
/// Where the number comes from: "early improvement" is usually defined as a fall of at least
/// 20 % from baseline on a depression rating scale (HAM-D-17). Szegedi et al. 2009 ("Early
/// improvement in the first 2 weeks as a predictor of treatment outcome in patients with major
/// depressive disorder: a meta-analysis including 6562 patients", J Clin Psychiatry 70:344–353)
/// found that patients without it after two weeks of *antidepressant* treatment seldom reached a
/// stable response. In psychological therapy early change also predicts outcome (Delgadillo et
/// al. 2014, "Early changes, attrition, and dose-response in low intensity psychological
/// interventions", Br J Clin Psychol; PHQ-9/GAD-7), but no validated cut-off exists for IPT.
/// Applying 20 % at mid-course of IPT is therefore our convention, borrowed from that
/// literature, not a validated IPT rule; a service can set its own.
pub const DEFAULT_NOT_ON_TRACK_PERCENT: u8 = 20;

/// How many no-shows in a row raise "missed sessions".
pub const MISSED_IN_A_ROW: u16 = 2;

/// The ending is discussed "about 2–4 sessions ahead" (reference §1.1, termination tasks): the
/// prompt starts when at most this many planned sessions are left.
pub const ENDING_SESSIONS_AHEAD: u16 = 4;

/// Four weekly sessions before the contract's end date: a course behind its session count
/// still reaches its agreed end, so the prompt also starts this many days before it.
pub const ENDING_DAYS_AHEAD: i64 = 28;

/// The deployment's signal settings (`[signals]` in `ipt.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalConfig {
    /// The smallest improvement, in percent of the first total, that counts as on track by
    /// mid-course. Default [`DEFAULT_NOT_ON_TRACK_PERCENT`].
    pub not_on_track_improvement_percent: u8,
}

impl Default for SignalConfig {
    fn default() -> Self {
        Self {
            not_on_track_improvement_percent: DEFAULT_NOT_ON_TRACK_PERCENT,
        }
    }
}

impl SignalConfig {
    pub fn validate(&self) -> Result<(), SignalConfigError> {
        let p = self.not_on_track_improvement_percent;
        if !(1..=100).contains(&p) {
            return Err(SignalConfigError::PercentOutOfRange(p));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignalConfigError {
    #[error("not_on_track_improvement_percent must be between 1 and 100; it is {0}")]
    PercentOutOfRange(u8),
}

/// One final total of the course's main measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScorePoint {
    pub on: Date,
    pub total: u32,
    /// The course phase it was given in.
    pub phase: Option<Phase>,
}

/// Everything the rules look at, loaded by the caller.
#[derive(Debug, Clone, Copy)]
pub struct SignalFacts<'a> {
    pub course: &'a Course,
    pub protocol: &'a Protocol,
    pub sessions: &'a [TherapySession],
    /// The course's main measure: the one its totals below come from.
    pub instrument: Option<&'a Instrument>,
    /// Final totals of `instrument` in this course, oldest first.
    pub scores: &'a [ScorePoint],
    /// Unacknowledged risk alerts of the patient.
    pub open_alerts: usize,
}

/// Which measurement is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureDue {
    /// No total yet, though a session has been attended.
    Baseline,
    /// `sessions_since` sessions have been attended since the last total; the protocol repeats
    /// the measure every `every` sessions.
    Repeat { every: u16, sessions_since: u16 },
    /// The course is ending and no total has been given in the termination phase.
    End,
}

/// A signal and the facts that explain it.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    OpenAlerts {
        count: usize,
    },
    ReliableDeterioration {
        instrument: String,
        baseline: u32,
        latest: u32,
        latest_on: Date,
        /// The smallest change the instrument counts as reliable, when it has a fixed one.
        reliable_points: Option<u32>,
    },
    NotOnTrack {
        instrument: String,
        baseline: u32,
        latest: u32,
        /// Improvement from the first total, in percent of it (negative when worse).
        improvement_percent: f64,
        threshold_percent: u8,
        attended: u16,
        planned: u16,
    },
    MeasuresOverdue {
        instrument: String,
        due: MeasureDue,
        last_measured: Option<Date>,
    },
    MissedSessions {
        in_a_row: u16,
        last_missed: Date,
    },
    ContractOverrunning {
        attended: u16,
        contracted: u16,
        end_date: Date,
        sessions_over: bool,
        past_end_date: bool,
    },
    /// Time to start the termination discussion ([`ending_discussion_due`]).
    EndingDiscussionDue(EndingDue),
}

/// The termination discussion is due: where the course stands against its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndingDue {
    /// Sessions attended (not counting an IPT-B engagement session).
    pub attended: u16,
    /// The planned sessions (`Course::planned_sessions`).
    pub planned: u16,
    /// Planned sessions not yet attended.
    pub sessions_left: u16,
    /// The contract's end date and the days until it (negative once past), when agreed.
    pub end_date: Option<Date>,
    pub days_left: Option<i64>,
}

/// Whether the clinician should start the termination discussion now (reference §1.1,
/// termination tasks: "Discuss the ending explicitly, about 2–4 sessions ahead"): the course is
/// still in its middle phase, and at most [`ENDING_SESSIONS_AHEAD`] planned sessions are left
/// or the contract's end date is at most [`ENDING_DAYS_AHEAD`] days away. Moving the course to
/// its termination phase answers the prompt; maintenance IPT has no middle phase and no prompt.
pub fn ending_discussion_due(
    course: &Course,
    sessions: &[TherapySession],
    today: Date,
) -> Option<EndingDue> {
    if course.status != crate::course::CourseStatus::Active(Phase::Middle) {
        return None;
    }
    let attended = u16::try_from(attended_sessions(sessions).count()).unwrap_or(u16::MAX);
    let planned = course.planned_sessions();
    let sessions_left = planned.saturating_sub(attended);
    let end_date = course.contract.map(|c| c.end_date);
    let days_left = end_date.map(|end| (end - today).whole_days());
    let near =
        sessions_left <= ENDING_SESSIONS_AHEAD || days_left.is_some_and(|d| d <= ENDING_DAYS_AHEAD);
    near.then_some(EndingDue {
        attended,
        planned,
        sessions_left,
        end_date,
        days_left,
    })
}

/// The kinds of signal, in caseload order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignalKind {
    OpenAlerts,
    ReliableDeterioration,
    NotOnTrack,
    MeasuresOverdue,
    MissedSessions,
    ContractOverrunning,
    EndingDiscussionDue,
}

impl SignalKind {
    pub const ALL: [SignalKind; 7] = [
        Self::OpenAlerts,
        Self::ReliableDeterioration,
        Self::NotOnTrack,
        Self::MeasuresOverdue,
        Self::MissedSessions,
        Self::ContractOverrunning,
        Self::EndingDiscussionDue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::OpenAlerts => "open_alerts",
            Self::ReliableDeterioration => "reliable_deterioration",
            Self::NotOnTrack => "not_on_track",
            Self::MeasuresOverdue => "measures_overdue",
            Self::MissedSessions => "missed_sessions",
            Self::ContractOverrunning => "contract_overrunning",
            Self::EndingDiscussionDue => "ending_discussion_due",
        }
    }

    /// Where the clinician acts on this kind of signal.
    pub fn act_at(self) -> ActAt {
        match self {
            Self::OpenAlerts => ActAt::PatientAlerts,
            Self::ReliableDeterioration | Self::NotOnTrack | Self::MeasuresOverdue => {
                ActAt::CourseMeasures
            }
            Self::MissedSessions => ActAt::CourseSessions,
            Self::ContractOverrunning => ActAt::CourseContract,
            Self::EndingDiscussionDue => ActAt::CourseOverview,
        }
    }
}

/// The part of the record where a signal is acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActAt {
    /// The patient's open risk alerts, to acknowledge with an action note.
    PatientAlerts,
    /// The course's measures and their change over time.
    CourseMeasures,
    /// The course's sessions and attendance.
    CourseSessions,
    /// The course's treatment contract.
    CourseContract,
    /// The course's own page: its phase and the moves it can make.
    CourseOverview,
}

impl Signal {
    pub fn kind(&self) -> SignalKind {
        match self {
            Self::OpenAlerts { .. } => SignalKind::OpenAlerts,
            Self::ReliableDeterioration { .. } => SignalKind::ReliableDeterioration,
            Self::NotOnTrack { .. } => SignalKind::NotOnTrack,
            Self::MeasuresOverdue { .. } => SignalKind::MeasuresOverdue,
            Self::MissedSessions { .. } => SignalKind::MissedSessions,
            Self::ContractOverrunning { .. } => SignalKind::ContractOverrunning,
            Self::EndingDiscussionDue(_) => SignalKind::EndingDiscussionDue,
        }
    }

    pub fn act_at(&self) -> ActAt {
        self.kind().act_at()
    }
}

/// Sessions the patient attended, not counting an IPT-B engagement session (number 0), which
/// comes before the contracted sessions.
fn attended_sessions(sessions: &[TherapySession]) -> impl Iterator<Item = &TherapySession> {
    sessions
        .iter()
        .filter(|s| s.attendance == Attendance::Attended && s.number.get() > 0)
}

/// The signals of one course, in caseload order. `change` holds the change thresholds in force.
pub fn signals(
    facts: &SignalFacts<'_>,
    today: Date,
    config: &SignalConfig,
    change: &ChangeConfig,
) -> Vec<Signal> {
    let course = facts.course;
    let open = course.status.is_open();
    let attended = u16::try_from(attended_sessions(facts.sessions).count()).unwrap_or(u16::MAX);
    let mut out = vec![];

    if facts.open_alerts > 0 {
        out.push(Signal::OpenAlerts {
            count: facts.open_alerts,
        });
    }

    let deterioration = reliable_deterioration(facts, change);
    let deteriorated = deterioration.is_some();
    out.extend(deterioration);

    // A reliable deterioration already says the course is off track; saying it twice adds noise.
    if open && !deteriorated {
        out.extend(not_on_track(facts, attended, config, change));
    }
    if open {
        out.extend(measures_overdue(facts, today, attended));
        out.extend(missed_sessions(facts.sessions));
        out.extend(contract_overrunning(course, today, attended));
        out.extend(
            ending_discussion_due(course, facts.sessions, today).map(Signal::EndingDiscussionDue),
        );
    }
    out
}

/// The mid-course review a course page prompts (reference §5.4, "No meaningful response";
/// #14 "Scores reach the prompts"): an open course at mid-course (half its planned sessions
/// attended) whose main measure is not on track or has reliably worsened. The clinician is
/// asked to discuss combination with medication, or referral.
#[derive(Debug, Clone, PartialEq)]
pub struct MidCourseReview {
    pub instrument: String,
    pub baseline: u32,
    pub latest: u32,
    pub attended: u16,
    pub planned: u16,
    /// The latest total is reliably worse than the first, not just short of the threshold.
    pub deteriorated: bool,
}

/// Whether the course calls for the mid-course review, and on which numbers. The same rules as
/// the caseload's "not on track" and "reliable deterioration" signals, once mid-course.
pub fn mid_course_review(
    facts: &SignalFacts<'_>,
    config: &SignalConfig,
    change: &ChangeConfig,
) -> Option<MidCourseReview> {
    let course = facts.course;
    if !course.status.is_open() || course.format == Format::Maintenance {
        return None;
    }
    let attended = u16::try_from(attended_sessions(facts.sessions).count()).unwrap_or(u16::MAX);
    let planned = course.planned_sessions();
    if planned == 0 || u32::from(attended) * 2 < u32::from(planned) {
        return None;
    }
    match reliable_deterioration(facts, change) {
        Some(Signal::ReliableDeterioration {
            instrument,
            baseline,
            latest,
            ..
        }) => Some(MidCourseReview {
            instrument,
            baseline,
            latest,
            attended,
            planned,
            deteriorated: true,
        }),
        _ => match not_on_track(facts, attended, config, change)? {
            Signal::NotOnTrack {
                instrument,
                baseline,
                latest,
                ..
            } => Some(MidCourseReview {
                instrument,
                baseline,
                latest,
                attended,
                planned,
                deteriorated: false,
            }),
            _ => None,
        },
    }
}

fn reliable_deterioration(facts: &SignalFacts<'_>, change: &ChangeConfig) -> Option<Signal> {
    let instrument = facts.instrument?;
    let (first, last) = (facts.scores.first()?, facts.scores.last()?);
    if facts.scores.len() < 2 {
        return None;
    }
    let c = instrument
        .change_with(change, first.total, last.total)
        .ok()?;
    if c.reliable_deterioration != Some(true) {
        return None;
    }
    let rule = change.rule(&instrument.code).unwrap_or(&instrument.change);
    Some(Signal::ReliableDeterioration {
        instrument: instrument.code.clone(),
        baseline: first.total,
        latest: last.total,
        latest_on: last.on,
        reliable_points: match rule.reliable_change {
            Some(crate::measures::ReliableChange::Points(p)) => Some(p),
            Some(rc) => Some(rc.min_points()),
            None => None,
        },
    })
}

fn not_on_track(
    facts: &SignalFacts<'_>,
    attended: u16,
    config: &SignalConfig,
    change: &ChangeConfig,
) -> Option<Signal> {
    // Maintenance IPT keeps a remission going: "improvement from the first total" is not its aim.
    if facts.course.format == Format::Maintenance {
        return None;
    }
    let instrument = facts.instrument?;
    let rule = change.rule(&instrument.code).unwrap_or(&instrument.change);
    // A percentage improvement is only meaningful where a lower total is better.
    if rule.direction != Direction::LowerIsBetter {
        return None;
    }
    let planned = facts.course.planned_sessions();
    // Mid-course: half the planned sessions attended.
    if planned == 0 || u32::from(attended) * 2 < u32::from(planned) {
        return None;
    }
    if facts.scores.len() < 2 {
        return None;
    }
    let (baseline, latest) = (
        facts.scores[0].total,
        facts.scores[facts.scores.len() - 1].total,
    );
    // Nothing to improve on: no symptoms at the start, or a start already within remission.
    if baseline == 0 || rule.remission.is_some_and(|c| c.is_met(baseline)) {
        return None;
    }
    let improvement = i64::from(baseline) - i64::from(latest);
    let threshold = config.not_on_track_improvement_percent;
    // Whole-number arithmetic, so that exactly the threshold counts as on track.
    if improvement * 100 >= i64::from(threshold) * i64::from(baseline) {
        return None;
    }
    Some(Signal::NotOnTrack {
        instrument: instrument.code.clone(),
        baseline,
        latest,
        improvement_percent: improvement as f64 * 100.0 / f64::from(baseline),
        threshold_percent: threshold,
        attended,
        planned,
    })
}

fn measures_overdue(facts: &SignalFacts<'_>, today: Date, attended: u16) -> Option<Signal> {
    let instrument = facts.instrument?;
    let course = facts.course;
    let last = facts.scores.iter().map(|s| s.on).max();
    let due = match last {
        None if attended > 0 => Some(MeasureDue::Baseline),
        None => None,
        Some(last) => {
            let ending = course.status.phase() == Some(Phase::Termination)
                && (attended >= course.planned_sessions()
                    || course.contract.is_some_and(|c| today >= c.end_date));
            let end_given = facts
                .scores
                .iter()
                .any(|s| s.phase == Some(Phase::Termination));
            let every = facts.protocol.measure_every.max(1);
            // A measure given on the day of a session covers that session.
            let since = attended_sessions(facts.sessions)
                .filter(|s| s.date > last)
                .count();
            let since = u16::try_from(since).unwrap_or(u16::MAX);
            if ending && !end_given {
                Some(MeasureDue::End)
            } else if since >= every {
                Some(MeasureDue::Repeat {
                    every,
                    sessions_since: since,
                })
            } else {
                None
            }
        }
    }?;
    Some(Signal::MeasuresOverdue {
        instrument: instrument.code.clone(),
        due,
        last_measured: last,
    })
}

fn missed_sessions(sessions: &[TherapySession]) -> Option<Signal> {
    let mut ordered: Vec<&TherapySession> = sessions.iter().collect();
    ordered.sort_by_key(|s| (s.date, s.number));
    let mut in_a_row = 0u16;
    let mut last_missed = None;
    // Walk back from the latest: an attended session ends the run; a cancellation (arranged
    // ahead) is not a no-show but does not show that the patient came either.
    for s in ordered.iter().rev() {
        match s.attendance {
            Attendance::Attended => break,
            Attendance::Cancelled => continue,
            Attendance::NoShow => {
                in_a_row += 1;
                last_missed.get_or_insert(s.date);
            }
        }
    }
    match last_missed {
        Some(last_missed) if in_a_row >= MISSED_IN_A_ROW => Some(Signal::MissedSessions {
            in_a_row,
            last_missed,
        }),
        _ => None,
    }
}

fn contract_overrunning(course: &Course, today: Date, attended: u16) -> Option<Signal> {
    let contract = course.contract?;
    let sessions_over = attended > contract.sessions;
    let past_end_date = today > contract.end_date;
    (sessions_over || past_end_date).then_some(Signal::ContractOverrunning {
        attended,
        contracted: contract.sessions,
        end_date: contract.end_date,
        sessions_over,
        past_end_date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::{Contract, CourseStatus, EndReason};
    use crate::ids::{CourseId, PatientId, SessionId, UserId};
    use crate::measures::Catalogue;
    use crate::protocol::{Frequency, ProtocolCatalogue};
    use crate::session::{RiskReview, SessionNumber, SessionPhase};
    use time::Duration;
    use time::macros::date;
    use uuid::Uuid;

    const START: Date = date!(2026 - 01 - 05);
    const TODAY: Date = date!(2026 - 03 - 02);

    struct Case {
        course: Course,
        protocol: Protocol,
        sessions: Vec<TherapySession>,
        scores: Vec<ScorePoint>,
        alerts: usize,
        instrument: Option<&'static Instrument>,
    }

    impl Case {
        /// A 16-session individual course in the middle phase, contracted until May.
        fn new() -> Self {
            Self::of(Format::Individual, 16)
        }

        fn of(format: Format, sessions: u16) -> Self {
            let cat = ProtocolCatalogue::default();
            let protocol = cat.get(format).clone();
            let mut course = Course::new(
                CourseId::from_uuid(Uuid::from_u128(1)),
                PatientId::from_uuid(Uuid::from_u128(2)),
                UserId::from_uuid(Uuid::from_u128(3)),
                &protocol,
                START,
            );
            let contract = Contract::new(
                &protocol,
                sessions,
                protocol.default_frequency,
                date!(2026 - 05 - 01),
                START,
            )
            .unwrap();
            course.agree_contract(&protocol, contract);
            course.status = CourseStatus::Active(if format == Format::Maintenance {
                Phase::Maintenance
            } else {
                Phase::Middle
            });
            let instrument = Catalogue::builtin().get(&protocol.recommended_instruments[0]);
            Self {
                course,
                protocol,
                sessions: vec![],
                scores: vec![],
                alerts: 0,
                instrument,
            }
        }

        /// Sessions 1..=n, weekly from START, with the given attendance.
        fn sessions(mut self, attendance: &[Attendance]) -> Self {
            for a in attendance {
                let n = self.sessions.iter().map(|s| s.number.get() + 1).max();
                self.sessions.push(session(n.unwrap_or(1), *a));
            }
            self
        }

        fn attended(self, n: usize) -> Self {
            self.sessions(&vec![Attendance::Attended; n])
        }

        /// A total given on the day of session `at` (0: the day before session 1).
        fn score(mut self, at: u16, total: u32) -> Self {
            let phase = self.course.phase_plan.phase_of(at.max(1));
            self.scores.push(ScorePoint {
                on: day_of(at),
                total,
                phase: Some(phase),
            });
            self
        }

        fn signals_on(&self, today: Date, config: &SignalConfig) -> Vec<Signal> {
            signals(
                &SignalFacts {
                    course: &self.course,
                    protocol: &self.protocol,
                    sessions: &self.sessions,
                    instrument: self.instrument,
                    scores: &self.scores,
                    open_alerts: self.alerts,
                },
                today,
                config,
                &ChangeConfig::defaults(),
            )
        }

        fn signals(&self) -> Vec<Signal> {
            self.signals_on(TODAY, &SignalConfig::default())
        }

        fn kinds(&self) -> Vec<SignalKind> {
            self.signals().iter().map(Signal::kind).collect()
        }

        fn has(&self, kind: SignalKind) -> bool {
            self.kinds().contains(&kind)
        }

        fn end(mut self, status: CourseStatus) -> Self {
            self.course.status = status;
            self.course.ended_on = Some(TODAY);
            self
        }
    }

    fn day_of(n: u16) -> Date {
        if n == 0 {
            START - Duration::days(1)
        } else {
            START + Duration::weeks(i64::from(n) - 1)
        }
    }

    fn session(n: u16, attendance: Attendance) -> TherapySession {
        TherapySession {
            id: SessionId::from_uuid(Uuid::from_u128(100 + u128::from(n))),
            course: CourseId::from_uuid(Uuid::from_u128(1)),
            number: SessionNumber::new(n).unwrap(),
            date: day_of(n),
            phase: SessionPhase {
                phase: Phase::Middle,
                override_reason: None,
            },
            modality: crate::protocol::Modality::InPerson,
            attendance,
            special: None,
            techniques: vec![],
            strategies: vec![],
            tasks_done: vec![],
            checklist: vec![],
            interval_events: String::new(),
            agreed_actions: String::new(),
            risk_review: RiskReview::default(),
            notes: String::new(),
            next_date: None,
            version: 1,
        }
    }

    // ---- Open risk alerts ----

    #[test]
    fn open_alerts_are_signalled_with_their_count_and_link_to_the_alerts() {
        let mut c = Case::new();
        assert!(!c.has(SignalKind::OpenAlerts));
        c.alerts = 2;
        assert_eq!(c.signals()[0], Signal::OpenAlerts { count: 2 });
        assert_eq!(c.signals()[0].act_at(), ActAt::PatientAlerts);
    }

    #[test]
    fn open_alerts_are_signalled_even_when_the_course_has_ended() {
        let mut c = Case::new().end(CourseStatus::Completed);
        c.alerts = 1;
        assert_eq!(c.kinds(), vec![SignalKind::OpenAlerts]);
    }

    // ---- Reliable deterioration ----

    #[test]
    fn a_rise_of_the_reliable_change_points_is_a_reliable_deterioration() {
        // PHQ-9: a change of 6 points is reliable (NHS Talking Therapies manual).
        let c = Case::new().attended(4).score(1, 10).score(4, 16);
        let s = c.signals();
        assert_eq!(
            s[0],
            Signal::ReliableDeterioration {
                instrument: "phq9".into(),
                baseline: 10,
                latest: 16,
                latest_on: day_of(4),
                reliable_points: Some(6),
            }
        );
        assert_eq!(s[0].act_at(), ActAt::CourseMeasures);
        let c = Case::new().attended(4).score(1, 10).score(4, 15);
        assert!(!c.has(SignalKind::ReliableDeterioration), "5 points is not");
    }

    #[test]
    fn deterioration_compares_the_first_and_the_latest_total() {
        // A bad week in between that has passed raises nothing.
        let c = Case::new()
            .attended(8)
            .score(1, 12)
            .score(4, 20)
            .score(8, 6);
        assert!(!c.has(SignalKind::ReliableDeterioration));
    }

    #[test]
    fn deterioration_uses_the_configured_thresholds() {
        use crate::measures::{ChangeRule, ReliableChange};
        let c = Case::new().attended(4).score(1, 10).score(4, 13);
        let phq9 = Catalogue::builtin().get("phq9").unwrap();
        let mut change = ChangeConfig::defaults();
        change
            .set_rule(
                phq9,
                ChangeRule {
                    reliable_change: Some(ReliableChange::Points(3)),
                    ..phq9.change.clone()
                },
            )
            .unwrap();
        let s = signals(
            &SignalFacts {
                course: &c.course,
                protocol: &c.protocol,
                sessions: &c.sessions,
                instrument: c.instrument,
                scores: &c.scores,
                open_alerts: 0,
            },
            TODAY,
            &SignalConfig::default(),
            &change,
        );
        assert_eq!(s[0].kind(), SignalKind::ReliableDeterioration);
    }

    #[test]
    fn a_single_total_cannot_show_deterioration() {
        let c = Case::new().attended(1).score(1, 27);
        assert!(!c.has(SignalKind::ReliableDeterioration));
    }

    #[test]
    fn deterioration_is_still_shown_after_the_course_has_ended() {
        let c = Case::new()
            .attended(16)
            .score(1, 8)
            .score(16, 20)
            .end(CourseStatus::Completed);
        assert_eq!(c.kinds(), vec![SignalKind::ReliableDeterioration]);
    }

    // ---- Not on track ----

    #[test]
    fn exactly_twenty_percent_by_mid_course_is_on_track_and_less_is_not() {
        // 16 planned sessions: mid-course is 8 attended.
        let on = Case::new().attended(8).score(1, 20).score(8, 16);
        assert!(!on.has(SignalKind::NotOnTrack), "20 % exactly is on track");
        let off = Case::new().attended(8).score(1, 20).score(8, 17);
        let s = off.signals();
        let Some(Signal::NotOnTrack {
            improvement_percent,
            threshold_percent,
            attended,
            planned,
            baseline,
            latest,
            ..
        }) = s.iter().find(|s| s.kind() == SignalKind::NotOnTrack)
        else {
            panic!("{s:?}");
        };
        assert!((improvement_percent - 15.0).abs() < 1e-9);
        assert_eq!(
            (*threshold_percent, *attended, *planned, *baseline, *latest),
            (20, 8, 16, 20, 17)
        );
    }

    #[test]
    fn not_on_track_waits_for_mid_course() {
        let early = Case::new().attended(7).score(1, 20).score(7, 20);
        assert!(
            !early.has(SignalKind::NotOnTrack),
            "7 of 16 is before mid-course"
        );
        let mid = Case::new().attended(8).score(1, 20).score(7, 20);
        assert!(mid.has(SignalKind::NotOnTrack));
        // Mid-course of an odd count: 12 planned → 6; 9 planned (group) → 5.
        let group = Case::of(Format::Group, 9)
            .attended(4)
            .score(1, 15)
            .score(4, 15);
        assert!(!group.has(SignalKind::NotOnTrack));
        let group = Case::of(Format::Group, 9)
            .attended(5)
            .score(1, 15)
            .score(5, 15);
        assert!(group.has(SignalKind::NotOnTrack));
    }

    #[test]
    fn the_threshold_is_configurable() {
        let c = Case::new().attended(8).score(1, 20).score(8, 16);
        let strict = SignalConfig {
            not_on_track_improvement_percent: 25,
        };
        assert!(
            c.signals_on(TODAY, &strict)
                .iter()
                .any(|s| s.kind() == SignalKind::NotOnTrack)
        );
        assert!(SignalConfig::default().validate().is_ok());
        assert_eq!(
            SignalConfig {
                not_on_track_improvement_percent: 0
            }
            .validate(),
            Err(SignalConfigError::PercentOutOfRange(0))
        );
        assert!(
            SignalConfig {
                not_on_track_improvement_percent: 101
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn not_on_track_needs_a_baseline_and_a_later_total() {
        let none = Case::new().attended(8);
        assert!(!none.has(SignalKind::NotOnTrack));
        let one = Case::new().attended(8).score(1, 20);
        assert!(!one.has(SignalKind::NotOnTrack));
    }

    #[test]
    fn a_baseline_already_in_remission_is_not_judged_on_improvement() {
        // PHQ-9 remission is a total of 4 or less.
        let c = Case::new().attended(8).score(1, 4).score(8, 4);
        assert!(!c.has(SignalKind::NotOnTrack));
        let c = Case::new().attended(8).score(1, 5).score(8, 5);
        assert!(c.has(SignalKind::NotOnTrack));
    }

    #[test]
    fn reliable_deterioration_replaces_not_on_track() {
        let c = Case::new().attended(8).score(1, 10).score(8, 17);
        assert!(c.has(SignalKind::ReliableDeterioration));
        assert!(!c.has(SignalKind::NotOnTrack));
    }

    #[test]
    fn maintenance_and_ended_courses_are_not_judged_on_track() {
        let m = Case::of(Format::Maintenance, 12)
            .attended(8)
            .score(1, 9)
            .score(8, 9);
        assert!(!m.has(SignalKind::NotOnTrack));
        let ended = Case::new()
            .attended(8)
            .score(1, 20)
            .score(8, 19)
            .end(CourseStatus::EndedEarly(EndReason::Dropout));
        assert!(!ended.has(SignalKind::NotOnTrack));
    }

    // ---- Measures overdue ----

    #[test]
    fn no_baseline_after_an_attended_session_is_overdue() {
        let before = Case::new();
        assert!(!before.has(SignalKind::MeasuresOverdue), "no session yet");
        let c = Case::new().attended(1);
        assert_eq!(
            c.signals(),
            vec![Signal::MeasuresOverdue {
                instrument: "phq9".into(),
                due: MeasureDue::Baseline,
                last_measured: None,
            }]
        );
        assert_eq!(c.signals()[0].act_at(), ActAt::CourseMeasures);
        let missed_only = Case::new().sessions(&[Attendance::NoShow]);
        assert!(!missed_only.has(SignalKind::MeasuresOverdue));
    }

    #[test]
    fn the_individual_schedule_repeats_every_fourth_session() {
        // Baseline at session 1; due again at session 5.
        let c = Case::new().attended(4).score(1, 14);
        assert!(!c.has(SignalKind::MeasuresOverdue), "3 sessions since");
        let c = Case::new().attended(5).score(1, 14);
        let s = c.signals();
        assert!(
            s.contains(&Signal::MeasuresOverdue {
                instrument: "phq9".into(),
                due: MeasureDue::Repeat {
                    every: 4,
                    sessions_since: 4
                },
                last_measured: Some(day_of(1)),
            }),
            "{s:?}"
        );
        let c = Case::new().attended(5).score(1, 14).score(5, 12);
        assert!(!c.has(SignalKind::MeasuresOverdue), "given at session 5");
    }

    #[test]
    fn group_and_maintenance_measure_every_session() {
        let g = Case::of(Format::Group, 9).attended(2).score(1, 14);
        assert!(g.has(SignalKind::MeasuresOverdue));
        let g = Case::of(Format::Group, 9)
            .attended(2)
            .score(1, 14)
            .score(2, 13);
        assert!(!g.has(SignalKind::MeasuresOverdue));
        let m = Case::of(Format::Maintenance, 12).attended(2).score(1, 4);
        assert!(m.has(SignalKind::MeasuresOverdue));
    }

    #[test]
    fn the_end_measure_is_due_once_the_last_planned_session_is_attended() {
        let mut c = Case::of(Format::Individual, 12)
            .attended(12)
            .score(1, 14)
            .score(5, 12)
            .score(9, 10);
        c.course.status = CourseStatus::Active(Phase::Termination);
        let s = c.signals();
        assert!(
            s.iter().any(|s| matches!(
                s,
                Signal::MeasuresOverdue {
                    due: MeasureDue::End,
                    ..
                }
            )),
            "{s:?}"
        );
        let mut done = Case::of(Format::Individual, 12)
            .attended(12)
            .score(1, 14)
            .score(5, 12)
            .score(9, 10)
            .score(12, 6);
        done.course.status = CourseStatus::Active(Phase::Termination);
        assert!(!done.has(SignalKind::MeasuresOverdue));
    }

    #[test]
    fn ended_courses_have_nothing_overdue() {
        let c = Case::new()
            .attended(9)
            .end(CourseStatus::EndedEarly(EndReason::Dropout));
        assert!(c.kinds().is_empty());
    }

    // ---- Missed sessions ----

    #[test]
    fn one_no_show_is_not_a_signal_and_two_in_a_row_are() {
        use Attendance::*;
        let one = Case::new().sessions(&[Attended, NoShow]).score(1, 10);
        assert!(!one.has(SignalKind::MissedSessions));
        let two = Case::new()
            .sessions(&[Attended, NoShow, NoShow])
            .score(1, 10);
        assert_eq!(
            two.signals(),
            vec![Signal::MissedSessions {
                in_a_row: 2,
                last_missed: day_of(3),
            }]
        );
        assert_eq!(two.signals()[0].act_at(), ActAt::CourseSessions);
    }

    #[test]
    fn an_attended_session_ends_the_run_and_a_cancellation_does_not() {
        use Attendance::*;
        let came_back = Case::new()
            .sessions(&[NoShow, NoShow, Attended])
            .score(3, 10);
        assert!(!came_back.has(SignalKind::MissedSessions));
        let cancelled_between = Case::new()
            .sessions(&[Attended, NoShow, Cancelled, NoShow])
            .score(1, 10);
        assert!(
            cancelled_between
                .signals()
                .contains(&Signal::MissedSessions {
                    in_a_row: 2,
                    last_missed: day_of(4),
                })
        );
        let one_and_a_cancellation = Case::new()
            .sessions(&[Attended, Cancelled, NoShow])
            .score(1, 10);
        assert!(!one_and_a_cancellation.has(SignalKind::MissedSessions));
    }

    #[test]
    fn ended_courses_raise_no_missed_sessions() {
        use Attendance::*;
        let c = Case::new()
            .sessions(&[Attended, NoShow, NoShow])
            .score(1, 10)
            .end(CourseStatus::EndedEarly(EndReason::Dropout));
        assert!(!c.has(SignalKind::MissedSessions));
    }

    // ---- Contract overrunning ----

    #[test]
    fn the_contract_end_date_today_is_not_overrunning_and_yesterday_is() {
        let c = Case::new().attended(2).score(1, 10);
        let end = c.course.contract.unwrap().end_date;
        let kinds = |today| {
            c.signals_on(today, &SignalConfig::default())
                .iter()
                .map(Signal::kind)
                .collect::<Vec<_>>()
        };
        assert!(!kinds(end).contains(&SignalKind::ContractOverrunning));
        let after = c.signals_on(end + Duration::days(1), &SignalConfig::default());
        let over = after
            .iter()
            .find(|s| s.kind() == SignalKind::ContractOverrunning)
            .expect("past the end date");
        assert_eq!(
            *over,
            Signal::ContractOverrunning {
                attended: 2,
                contracted: 16,
                end_date: end,
                sessions_over: false,
                past_end_date: true,
            }
        );
        assert_eq!(over.act_at(), ActAt::CourseContract);
    }

    #[test]
    fn more_sessions_than_contracted_is_overrunning() {
        let at = Case::of(Format::Individual, 12)
            .attended(12)
            .score(1, 10)
            .score(12, 4);
        assert!(!at.has(SignalKind::ContractOverrunning));
        let over = Case::of(Format::Individual, 12)
            .attended(13)
            .score(1, 10)
            .score(13, 4);
        assert!(over.signals().contains(&Signal::ContractOverrunning {
            attended: 13,
            contracted: 12,
            end_date: date!(2026 - 05 - 01),
            sessions_over: true,
            past_end_date: false,
        }));
    }

    #[test]
    fn an_engagement_session_does_not_count_against_the_contract() {
        let mut c = Case::of(Format::Brief, 8);
        c.sessions.push(session(0, Attendance::Attended));
        let c = c.attended(8).score(0, 12).score(4, 9).score(8, 5);
        assert!(!c.has(SignalKind::ContractOverrunning));
    }

    #[test]
    fn no_contract_or_an_ended_course_is_never_overrunning() {
        let mut c = Case::new().attended(20).score(1, 10).score(20, 3);
        c.course.contract = None;
        assert!(!c.has(SignalKind::ContractOverrunning));
        let ended = Case::new()
            .attended(20)
            .score(1, 10)
            .score(20, 3)
            .end(CourseStatus::Completed);
        assert!(
            ended
                .signals_on(date!(2027 - 01 - 01), &SignalConfig::default())
                .is_empty()
        );
    }

    // ---- The ending to discuss ----

    #[test]
    fn the_ending_is_due_four_planned_sessions_ahead_and_not_five() {
        let five = Case::of(Format::Individual, 12)
            .attended(7)
            .score(1, 18)
            .score(5, 12);
        assert!(
            !five.has(SignalKind::EndingDiscussionDue),
            "{:?}",
            five.signals()
        );
        let four = Case::of(Format::Individual, 12)
            .attended(8)
            .score(1, 18)
            .score(5, 12);
        let due = four
            .signals()
            .into_iter()
            .find(|s| s.kind() == SignalKind::EndingDiscussionDue)
            .expect("four sessions left");
        assert_eq!(
            due,
            Signal::EndingDiscussionDue(EndingDue {
                attended: 8,
                planned: 12,
                sessions_left: 4,
                end_date: Some(date!(2026 - 05 - 01)),
                days_left: Some(60),
            })
        );
        assert_eq!(due.act_at(), ActAt::CourseOverview);
        // Missed sessions do not count as held: the plan still has five to go.
        let missed = Case::of(Format::Individual, 12)
            .attended(7)
            .sessions(&[Attendance::NoShow]);
        assert!(ending_discussion_due(&missed.course, &missed.sessions, TODAY).is_none());
    }

    #[test]
    fn the_ending_is_due_four_weeks_before_the_contract_end_whatever_the_count() {
        let c = Case::of(Format::Individual, 16).attended(3);
        let end = c.course.contract.unwrap().end_date;
        assert!(ending_discussion_due(&c.course, &c.sessions, end - Duration::days(29)).is_none());
        let due = ending_discussion_due(&c.course, &c.sessions, end - Duration::days(28)).unwrap();
        assert_eq!((due.sessions_left, due.days_left), (13, Some(28)));
    }

    #[test]
    fn the_ending_prompt_belongs_to_the_middle_phase() {
        for status in [
            CourseStatus::Active(Phase::Initial),
            CourseStatus::Active(Phase::Termination),
            CourseStatus::Completed,
            CourseStatus::EndedEarly(EndReason::Dropout),
        ] {
            let mut c = Case::of(Format::Individual, 12).attended(10);
            c.course.status = status.clone();
            assert!(
                ending_discussion_due(&c.course, &c.sessions, TODAY).is_none(),
                "{status:?}"
            );
            assert!(!c.has(SignalKind::EndingDiscussionDue), "{status:?}");
        }
        let m = Case::of(Format::Maintenance, 12).attended(11);
        assert!(ending_discussion_due(&m.course, &m.sessions, TODAY).is_none());
    }

    #[test]
    fn a_course_going_to_plan_raises_nothing() {
        let c = Case::new()
            .attended(9)
            .score(1, 18)
            .score(5, 14)
            .score(9, 11);
        assert_eq!(c.signals(), vec![]);
        assert_eq!(c.course.contract.unwrap().frequency, Frequency::Weekly);
    }

    #[test]
    fn kinds_have_codes_and_places_to_act() {
        let codes: Vec<_> = SignalKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(
            codes,
            [
                "open_alerts",
                "reliable_deterioration",
                "not_on_track",
                "measures_overdue",
                "missed_sessions",
                "contract_overrunning",
                "ending_discussion_due"
            ]
        );
    }

    impl Case {
        fn review(&self) -> Option<MidCourseReview> {
            mid_course_review(
                &SignalFacts {
                    course: &self.course,
                    protocol: &self.protocol,
                    sessions: &self.sessions,
                    instrument: self.instrument,
                    scores: &self.scores,
                    open_alerts: self.alerts,
                },
                &SignalConfig::default(),
                &ChangeConfig::defaults(),
            )
        }
    }

    /// #14 "Scores reach the prompts": at mid-course, a course not on track raises the
    /// "discuss combination or referral" review.
    #[test]
    fn mid_course_not_on_track_prompts_combination_or_referral() {
        // 8 of 16 attended, PHQ-9 20 → 18: a 10 % fall, short of 20 %.
        let r = Case::new()
            .attended(8)
            .score(1, 20)
            .score(8, 18)
            .review()
            .expect("review prompted");
        assert_eq!(
            (r.baseline, r.latest, r.attended, r.planned, r.deteriorated),
            (20, 18, 8, 16, false)
        );
        assert_eq!(r.instrument, "phq9");
        // Before mid-course, on track, or ended: no prompt.
        assert!(
            Case::new()
                .attended(7)
                .score(1, 20)
                .score(7, 18)
                .review()
                .is_none()
        );
        assert!(
            Case::new()
                .attended(8)
                .score(1, 20)
                .score(8, 15)
                .review()
                .is_none()
        );
        assert!(
            Case::new()
                .attended(8)
                .score(1, 20)
                .score(8, 18)
                .end(CourseStatus::Completed)
                .review()
                .is_none()
        );
        // One total cannot show a lack of change.
        assert!(Case::new().attended(8).score(1, 20).review().is_none());
    }

    #[test]
    fn mid_course_reliable_worsening_prompts_the_review_too() {
        let r = Case::new()
            .attended(8)
            .score(1, 12)
            .score(8, 20)
            .review()
            .expect("review prompted");
        assert!(r.deteriorated);
        assert_eq!((r.baseline, r.latest), (12, 20));
        // Maintenance keeps a remission going: no mid-course review.
        assert!(
            Case::of(Format::Maintenance, 12)
                .attended(6)
                .score(1, 20)
                .score(6, 20)
                .review()
                .is_none()
        );
    }
}
