//! The store contract suite: every story runs on SQLite, and on PostgreSQL when
//! `IPT_TEST_DATABASE_URL` is set. Each run gets a fresh database.

/// Declare each story once; get one test per backend in the two modules named. Stories get
/// the whole test database (`TestDb`), to reopen it or reach it by SQL.
#[macro_export]
macro_rules! db_stories {
    ($on_sqlite:ident, $on_postgres:ident; $($name:ident),* $(,)?) => {
        mod $on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = ipt_store_tests::harness::sqlite().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod $on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = ipt_store_tests::harness::postgres().await else {
                        eprintln!("skipped: set {} to run the PostgreSQL contract", ipt_store_tests::harness::PG_ENV);
                        return;
                    };
                    super::$name(&db).await;
                }
            )*
        }
    };
}

mod audit_chain;
mod contract;
mod migrations;
mod sealed;
mod sqlite_only;

/// Declare each story once; get one test per backend.
macro_rules! stories {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = ipt_store_tests::harness::sqlite().await;
                    crate::contract::$name(db.store.clone()).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = ipt_store_tests::harness::postgres().await else {
                        eprintln!("skipped: set {} to run the PostgreSQL contract", ipt_store_tests::harness::PG_ENV);
                        return;
                    };
                    crate::contract::$name(db.store.clone()).await;
                }
            )*
        }
    };
}

stories!(
    users_are_unique_by_username,
    patient_round_trip_and_stale_update_is_refused,
    patients_are_listed_per_clinician,
    course_round_trips_every_part,
    stale_course_update_changes_nothing_and_writes_no_audit,
    course_needs_an_existing_patient,
    inventory_add_update_delete_with_versions,
    snapshots_keep_the_circle,
    timeline_is_chronological_and_has_one_current_episode,
    marking_an_episode_current_clears_the_others_in_one_write,
    sessions_round_trip_and_numbers_are_unique,
    a_session_and_its_mood_rating_are_one_write,
    goals_round_trip_and_conflict,
    final_assessments_need_results_and_never_change,
    every_read_and_write_is_audited,
    updating_a_missing_record_says_not_found,
    risk_alerts_are_raised_with_their_source_and_acknowledged_once,
    sign_in_sessions_and_api_tokens_are_stored_by_hash,
    supervisor_comments_are_kept_in_order,
    portal_invitations_are_accepted_once_and_spend_the_others,
    portal_sessions_are_stored_by_hash,
    assignments_round_trip_and_conflict,
    diary_has_one_entry_per_day_in_date_order,
    a_user_keeps_the_language_they_chose,
    outcome_counts_follow_first_and_latest_final_results,
    change_summary_counts_each_format_in_the_better_direction,
    bulk_load_writes_everything_or_nothing,
    each_alert_filter_reads_only_the_alerts_it_names,
    statistics_refresh_and_operator_warnings,
    caseload_records_are_one_clinicians_patients_with_their_records,
    concurrent_submissions_commit_together_and_fail_alone,
    another_courses_records_are_not_found_under_ones_own,
    attempts_at_secrets_are_counted_atomically_per_window,
    the_census_counts_every_table_and_names_the_last_migration,
    assessments_and_sessions_are_read_a_page_at_a_time,
    courses_and_comments_are_read_a_page_at_a_time,
    open_alerts_are_read_a_page_at_a_time_per_clinician,
    patients_are_read_a_page_at_a_time_in_the_same_order_on_both_databases,
);
