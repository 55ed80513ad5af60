//! Caseload signals as people read them: a short label, an explanation with its numbers (in the
//! reader's language), and a link to the place where the signal is acted on. Shared by the
//! caseload page and the JSON API.

use ipt_domain::ids::{CourseId, PatientId};
use ipt_domain::measures::Catalogue;
use ipt_domain::signals::{ActAt, MeasureDue, Signal, SignalKind};

use crate::i18n::Tr;

/// One signal on a caseload row.
pub struct SignalView {
    /// The kind's code, e.g. `not_on_track` (also a CSS class).
    pub kind: &'static str,
    /// `high` (risk, deterioration) or `attention`: shown as an icon and in words, not only
    /// in colour.
    pub level: &'static str,
    pub icon: &'static str,
    pub label: String,
    pub explanation: String,
    pub link: String,
    pub link_text: String,
}

/// Where to act on `signal`: the patient's alerts, or a page of the course.
pub fn link(signal: &Signal, patient: PatientId, course: Option<CourseId>) -> String {
    match (signal.act_at(), course) {
        (ActAt::PatientAlerts, _) | (_, None) => format!("/patients/{patient}#alerts"),
        (ActAt::CourseMeasures, Some(c)) => format!("/courses/{c}/measures"),
        (ActAt::CourseSessions, Some(c)) => format!("/courses/{c}/sessions"),
        (ActAt::CourseContract, Some(c)) => format!("/courses/{c}/contract"),
        (ActAt::CourseOverview, Some(c)) => format!("/courses/{c}#ending"),
    }
}

/// The instrument's short name (PHQ-9), or its code when the catalogue does not know it.
pub fn instrument_name(code: &str) -> String {
    Catalogue::builtin()
        .get(code)
        .map(|i| i.short_name.clone())
        .unwrap_or_else(|| code.to_uppercase())
}

fn key(kind: SignalKind) -> String {
    format!("signal-{}", kind.code().replace('_', "-"))
}

/// The explanation of `signal` in the reader's language, numbers and dates in its forms.
pub fn explain(t: &Tr, signal: &Signal) -> String {
    match signal {
        Signal::OpenAlerts { count } => t.count("signal-open-alerts-why", *count as i64),
        Signal::ReliableDeterioration {
            instrument,
            baseline,
            latest,
            latest_on,
            reliable_points,
        } => {
            let mut args = vec![
                ("instrument", instrument_name(instrument)),
                ("baseline", baseline.to_string()),
                ("latest", latest.to_string()),
                ("date", t.date(*latest_on)),
            ];
            match reliable_points {
                Some(p) => {
                    args.push(("points", p.to_string()));
                    t.with("signal-reliable-deterioration-why-points", &args)
                }
                None => t.with("signal-reliable-deterioration-why", &args),
            }
        }
        Signal::NotOnTrack {
            instrument,
            baseline,
            latest,
            improvement_percent,
            threshold_percent,
            attended,
            planned,
        } => {
            let args = [
                ("instrument", instrument_name(instrument)),
                ("baseline", baseline.to_string()),
                ("latest", latest.to_string()),
                ("percent", t.number(*improvement_percent)),
                ("threshold", threshold_percent.to_string()),
                ("attended", attended.to_string()),
                ("planned", planned.to_string()),
            ];
            if *improvement_percent > 0.0 {
                t.with("signal-not-on-track-why", &args)
            } else {
                t.with("signal-not-on-track-why-none", &args)
            }
        }
        Signal::MeasuresOverdue {
            instrument,
            due,
            last_measured,
        } => {
            let name = instrument_name(instrument);
            let last = last_measured.map(|d| t.date(d)).unwrap_or_default();
            match due {
                MeasureDue::Baseline => {
                    t.with("signal-measures-overdue-baseline", &[("instrument", name)])
                }
                MeasureDue::End => t.with("signal-measures-overdue-end", &[("instrument", name)]),
                MeasureDue::Repeat {
                    every,
                    sessions_since,
                } => {
                    let args = [
                        ("instrument", name),
                        ("date", last),
                        ("since", sessions_since.to_string()),
                        ("every", every.to_string()),
                    ];
                    if *every == 1 {
                        t.with("signal-measures-overdue-every-session", &args)
                    } else {
                        t.with("signal-measures-overdue-repeat", &args)
                    }
                }
            }
        }
        Signal::MissedSessions {
            in_a_row,
            last_missed,
        } => t.with(
            "signal-missed-sessions-why",
            &[("n", in_a_row.to_string()), ("date", t.date(*last_missed))],
        ),
        Signal::ContractOverrunning {
            attended,
            contracted,
            end_date,
            sessions_over,
            past_end_date,
        } => {
            let mut parts = vec![];
            if *sessions_over {
                parts.push(t.with(
                    "signal-contract-overrunning-sessions",
                    &[
                        ("attended", attended.to_string()),
                        ("contracted", contracted.to_string()),
                    ],
                ));
            }
            if *past_end_date {
                parts.push(t.with(
                    "signal-contract-overrunning-date",
                    &[("date", t.date(*end_date))],
                ));
            }
            parts.join(" ")
        }
        Signal::EndingDiscussionDue(due) => ending_due(t, due),
    }
}

/// Why the termination discussion is due: the sessions left of those planned, and the days to
/// the contract's end date when that is near (`ipt_domain::signals::ending_discussion_due`).
pub fn ending_due(t: &Tr, due: &ipt_domain::signals::EndingDue) -> String {
    let mut parts = vec![t.with(
        "signal-ending-discussion-due-sessions",
        &[
            ("attended", due.attended.to_string()),
            ("planned", due.planned.to_string()),
            ("left", due.sessions_left.to_string()),
        ],
    )];
    // Past the end date the contract-overrunning signal says so; here only an end still ahead.
    if let (Some(end), Some(days)) = (due.end_date, due.days_left)
        && (0..=ipt_domain::signals::ENDING_DAYS_AHEAD).contains(&days)
    {
        parts.push(t.with(
            "signal-ending-discussion-due-date",
            &[("date", t.date(end))],
        ));
    }
    parts.push(t.get("signal-ending-discussion-due-why"));
    parts.join(" ")
}

/// The whole view of one signal on a caseload row.
pub fn view(t: &Tr, signal: &Signal, patient: PatientId, course: Option<CourseId>) -> SignalView {
    let kind = signal.kind();
    let high = matches!(
        kind,
        SignalKind::OpenAlerts | SignalKind::ReliableDeterioration
    );
    SignalView {
        kind: kind.code(),
        level: if high { "high" } else { "attention" },
        icon: if high { "⚠" } else { "●" },
        label: t.get(&key(kind)),
        explanation: explain(t, signal),
        link: link(signal, patient, course),
        link_text: t.get(&format!("{}-act", key(kind))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use time::macros::date;
    use uuid::Uuid;

    #[test]
    fn every_kind_has_a_label_and_an_action_in_every_language() {
        for lang in Lang::ALL {
            let t = Tr::new(lang);
            for kind in SignalKind::ALL {
                for k in [key(kind), format!("{}-act", key(kind))] {
                    assert_ne!(t.get(&k), k, "{k} missing in {}", lang.code());
                }
            }
        }
    }

    #[test]
    fn explanations_carry_the_numbers_in_the_readers_forms() {
        let s = Signal::NotOnTrack {
            instrument: "phq9".into(),
            baseline: 20,
            latest: 17,
            improvement_percent: 15.0,
            threshold_percent: 20,
            attended: 8,
            planned: 16,
        };
        let en = explain(&Tr::new(Lang::En), &s);
        for part in ["PHQ-9", "20", "17", "15 %", "8", "16"] {
            assert!(en.contains(part), "{part} in {en}");
        }
        let half = Signal::NotOnTrack {
            instrument: "phq9".into(),
            baseline: 16,
            latest: 14,
            improvement_percent: 12.5,
            threshold_percent: 20,
            attended: 8,
            planned: 16,
        };
        assert!(explain(&Tr::new(Lang::It), &half).contains("12,5 %"));
        let missed = Signal::MissedSessions {
            in_a_row: 2,
            last_missed: date!(2026 - 03 - 05),
        };
        assert!(explain(&Tr::new(Lang::It), &missed).contains("05/03/2026"));
        let both = Signal::ContractOverrunning {
            attended: 17,
            contracted: 16,
            end_date: date!(2026 - 05 - 01),
            sessions_over: true,
            past_end_date: true,
        };
        let text = explain(&Tr::new(Lang::En), &both);
        assert!(text.contains("17") && text.contains("1 May 2026"), "{text}");
    }

    #[test]
    fn links_lead_to_where_each_signal_is_acted_on() {
        let p = PatientId::from_uuid(Uuid::from_u128(1));
        let c = CourseId::from_uuid(Uuid::from_u128(2));
        let alerts = Signal::OpenAlerts { count: 1 };
        assert_eq!(link(&alerts, p, Some(c)), format!("/patients/{p}#alerts"));
        let missed = Signal::MissedSessions {
            in_a_row: 2,
            last_missed: date!(2026 - 03 - 05),
        };
        assert_eq!(link(&missed, p, Some(c)), format!("/courses/{c}/sessions"));
        let overdue = Signal::MeasuresOverdue {
            instrument: "phq9".into(),
            due: MeasureDue::Baseline,
            last_measured: None,
        };
        assert_eq!(link(&overdue, p, Some(c)), format!("/courses/{c}/measures"));
    }
}
