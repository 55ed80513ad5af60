//! The session, goal and ending pages of a course workspace: therapy sessions (record, list,
//! correct), goals per focus area, the termination phase (review of gains, relapse-prevention
//! plan, maintenance decision, the non-response path) and the printable course summary.
//!
//! Every page is for signed-in users; reads go through `Access::Read` and changes through
//! `Access::Write`, so a record the user may not see answers 404 like a missing one.

mod ending;
mod globals;
mod goals;
pub(crate) mod outcomes;
mod record;
mod safety;
pub(crate) mod secondary;
mod summary;
mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/courses/{id}/sessions",
            get(record::list).post(record::create),
        )
        .route("/courses/{id}/sessions/new", get(record::new_form))
        .route(
            "/courses/{id}/sessions/{sid}",
            get(record::show).post(record::update),
        )
        .route("/courses/{id}/goals", get(goals::page).post(goals::add))
        .route("/courses/{id}/goals/{gid}", post(goals::update))
        .route("/courses/{id}/termination", get(ending::page))
        .route(
            "/courses/{id}/termination/review",
            post(ending::save_review),
        )
        .route(
            "/courses/{id}/termination/relapse-plan",
            post(ending::save_plan),
        )
        .route(
            "/courses/{id}/termination/maintenance",
            post(ending::decide),
        )
        .route(
            "/courses/{id}/termination/start-maintenance",
            post(ending::start_maintenance),
        )
        .route("/courses/{id}/summary", get(summary::page))
        .route("/courses/{id}/inventory/patterns", get(globals::page))
        .route(
            "/courses/{id}/inventory/patterns/{kind}",
            post(globals::save),
        )
        .route("/courses/{id}/safety", get(safety::page))
        .route("/courses/{id}/safety/plan", post(safety::save_plan))
        .route(
            "/courses/{id}/safety/medication",
            post(safety::add_medication),
        )
}

#[cfg(test)]
mod tests {
    use ipt_domain::course::{GoalStatus, MaintenanceChoice};
    use ipt_domain::problem_area::AreaKind;
    use ipt_domain::protocol::{ChecklistItem, Modality, Phase, ProtocolCatalogue};
    use ipt_domain::session::Technique;

    use super::view::{NOTICES, code_of};
    use crate::i18n::{Lang, Tr};

    /// Labels looked up from domain codes exist in every language: a missing one would show
    /// its key on the page.
    #[test]
    fn every_label_looked_up_from_a_code_exists() {
        let mut keys = vec![];
        for t in Technique::ALL {
            keys.push(format!("sessions-technique-{}", t.code()));
            keys.push(format!("sessions-technique-{}-hint", t.code()));
        }
        for a in AreaKind::ALL {
            for s in a.strategies() {
                keys.push(format!("sessions-strategy-{}", code_of(s)));
            }
        }
        for p in ProtocolCatalogue::default().all() {
            for list in p.tasks.values() {
                for task in list {
                    keys.push(format!("sessions-task-{}", task.code()));
                }
            }
            for r in &p.special_sessions {
                keys.push(format!("sessions-special-{}", r.kind.code()));
            }
        }
        for phase in Phase::ALL {
            for c in ChecklistItem::for_phase(phase) {
                keys.push(format!("sessions-check-{}", code_of(c)));
            }
        }
        for m in MaintenanceChoice::ALL {
            keys.push(format!("sessions-choice-{}", m.code()));
            keys.push(format!("sessions-choice-{}-hint", m.code()));
        }
        for m in Modality::ALL {
            keys.push(format!("sessions-modality-{}", m.code()));
        }
        for g in GoalStatus::ALL {
            keys.push(format!("sessions-goal-status-{}", g.code()));
        }
        for ring in 0..=3 {
            keys.push(format!("initial-ring-{ring}"));
        }
        for n in NOTICES {
            keys.push(format!("sessions-notice-{n}"));
        }
        for f in [
            "gains",
            "feelings_about_ending",
            "non_response_plan",
            "reviewed_on",
            "warning_signs",
            "triggers",
            "coping",
            "supports",
            "seek_help",
            "written_on",
            "rationale",
            "decided_on",
            "choice",
        ] {
            keys.push(format!("sessions-field-{f}"));
        }
        for a in ["medication", "other-therapy", "combined", "referral"] {
            keys.push(format!("sessions-alternative-{a}"));
        }
        for lang in Lang::ALL {
            let t = Tr::new(lang);
            for k in &keys {
                assert_ne!(&t.get(k), k, "{k} is missing in {}", lang.code());
            }
        }
    }
}
