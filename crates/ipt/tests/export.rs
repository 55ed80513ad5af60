//! `ipt export assessments`: the pseudonymous research CSV, run on the demo clinic (SQLite).
//!
//! It proves that the file holds one row per final assessment with the documented columns, that
//! every cell is a code, a number, a date or a pseudonym (so no free text can be in it), that no
//! name, account, date of birth, record id or clinical text of the database appears anywhere in
//! it, and that `--date-shift` moves each patient's dates by one amount, keeping intervals.

use std::collections::{BTreeMap, BTreeSet};

use ipt_domain::assessment::AdministrationMode;
use ipt_domain::measures::Catalogue;
use ipt_domain::problem_area::{AreaKind, DisputeStage};
use ipt_domain::protocol::{Format, Phase};
use sqlx::Row;
use time::Date;

use crate::support::*;

const ANCHOR: &str = "2026-11-02";

fn demo() -> Scratch {
    let dir = Scratch::new();
    let o = ipt(&dir, &["demo", "--anchor-date", ANCHOR], None);
    assert!(o.status.success(), "{}", text(&o));
    dir
}

fn db_url(dir: &Scratch) -> String {
    format!("sqlite://{}/ipt-data/ipt.db", dir.0.display())
}

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    raw: String,
}

impl Csv {
    fn read(path: &std::path::Path) -> Self {
        let raw = std::fs::read_to_string(path).unwrap();
        let mut r = csv::Reader::from_reader(raw.as_bytes());
        let header = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        Self { header, rows, raw }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// Rows grouped by patient pseudonym, in file order.
    fn by_patient(&self) -> BTreeMap<String, Vec<Vec<String>>> {
        let mut out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
        for r in &self.rows {
            out.entry(r[0].clone()).or_default().push(r.clone());
        }
        out
    }

    /// What a patient's rows say apart from pseudonyms and dates: it identifies the patient's
    /// data across two exports of the same database.
    fn signature(&self, rows: &[Vec<String>]) -> String {
        let skip = [
            self.col("patient"),
            self.col("course"),
            self.col("date"),
            self.col("date_shifted"),
        ];
        rows.iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .filter(|(i, _)| !skip.contains(i))
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn export(dir: &Scratch, file: &str, shift: bool) -> Csv {
    let mut args = vec!["export", "assessments", "--out", file];
    if shift {
        args.push("--date-shift");
    }
    let o = ipt(dir, &args, None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Wrote "), "{}", text(&o));
    Csv::read(&dir.0.join(file))
}

fn date(s: &str) -> Date {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, fmt).unwrap_or_else(|_| panic!("'{s}' is not a date"))
}

fn is_pseudonym(v: &str, prefix: &str) -> bool {
    v.strip_prefix(prefix).is_some_and(|h| {
        h.len() == 16
            && h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    })
}

fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && v.parse::<f64>().is_ok()
}

/// Every cell is what its column says: a pseudonym, a known code, a number or a date.
fn check_cells(csv: &Csv) {
    let formats: Vec<&str> = Format::ALL.iter().map(|f| f.code()).collect();
    let statuses = [
        "referred",
        "initial",
        "middle",
        "termination",
        "maintenance_phase",
        "completed",
        "maintenance",
        "ended_early",
    ];
    let areas: Vec<&str> = AreaKind::ALL.iter().map(|a| a.code()).collect();
    let stages: Vec<&str> = DisputeStage::ALL.iter().map(|s| s.code()).collect();
    let instruments = Catalogue::builtin().codes();
    let modes: Vec<&str> = AdministrationMode::ALL.iter().map(|m| m.code()).collect();
    let phases: Vec<&str> = Phase::ALL.iter().map(|p| p.code()).collect();
    let severity = |v: &str| v.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    for row in &csv.rows {
        assert_eq!(row.len(), csv.header.len());
        for (name, v) in csv.header.iter().zip(row) {
            let v = v.as_str();
            let ok = match name.as_str() {
                "patient" => is_pseudonym(v, "P-"),
                "course" => is_pseudonym(v, "C-"),
                "course_format" => formats.contains(&v),
                "course_status" => statuses.contains(&v),
                "focus_area_1" | "focus_area_2" => v.is_empty() || areas.contains(&v),
                "dispute_stage" => v.is_empty() || stages.contains(&v),
                "instrument" => instruments.contains(&v),
                "scoring_version" => v
                    .split('.')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())),
                "mode" => modes.contains(&v),
                "date" => {
                    date(v);
                    true
                }
                "date_shifted" | "risk_flag" | "valid" | "prorated" => v == "0" || v == "1",
                "session_number" => v.is_empty() || v.chars().all(|c| c.is_ascii_digit()),
                "phase" => v.is_empty() || phases.contains(&v),
                "total" => v.is_empty() || is_number(v),
                "severity" => severity(v),
                // Whole numbers, signed where the instrument is (the RAS: −3 … +3 as published).
                item if item.starts_with("item_") => {
                    let digits = v.strip_prefix('-').unwrap_or(v);
                    v.is_empty()
                        || (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
                }
                other => panic!("undocumented column {other}"),
            };
            assert!(ok, "column {name} holds '{v}'");
        }
    }
}

/// Every string in the database that must never reach the file: names, accounts, dates of
/// birth, record ids, and clinical free text (sentences in text columns and inside JSON).
async fn secrets(url: &str) -> Vec<String> {
    let store = ipt_store_sqlite::SqliteStore::connect(url, crate::support::keys_for(url))
        .await
        .unwrap();
    let mut out = BTreeSet::new();
    let text_columns = [
        ("patients", "name"),
        ("patients", "date_of_birth"),
        ("users", "username"),
        ("users", "display_name"),
        ("courses", "formulation_text"),
        ("courses", "diagnosis"),
        ("courses", "relapse_plan"),
        ("courses", "maintenance"),
        ("courses", "termination_review"),
        ("courses", "end_reason"),
        ("courses", "indication"),
        ("inventory_people", "alias"),
        ("inventory_people", "notes"),
        ("timeline_events", "description"),
        ("therapy_sessions", "interval_events"),
        ("therapy_sessions", "agreed_actions"),
        ("therapy_sessions", "risk_note"),
        ("therapy_sessions", "notes"),
        ("therapy_sessions", "phase_override_reason"),
        ("goals", "description"),
        ("supervisor_comments", "body"),
        ("risk_alerts", "action_note"),
    ];
    fn leaves(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::String(s) if s.trim().contains(' ') => {
                out.insert(s.trim().to_string());
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| leaves(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| leaves(x, out)),
            _ => {}
        }
    }
    for (table, column) in text_columns {
        let sql = format!("SELECT {column} FROM {table} WHERE {column} IS NOT NULL");
        for row in sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&store.pool)
            .await
            .unwrap()
        {
            let v: String = row.get(0);
            let v = v.trim().to_string();
            match serde_json::from_str::<serde_json::Value>(&v) {
                Ok(json @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
                    leaves(&json, &mut out)
                }
                _ if v.chars().count() >= 4 => {
                    out.insert(v);
                }
                _ => {}
            }
        }
    }
    for table in [
        "patients",
        "users",
        "courses",
        "assessments",
        "therapy_sessions",
        "inventory_people",
        "timeline_events",
        "goals",
        "risk_alerts",
    ] {
        let sql = format!("SELECT id FROM {table}");
        for row in sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&store.pool)
            .await
            .unwrap()
        {
            let id = uuid::Uuid::from_slice(&row.get::<Vec<u8>, _>(0)).unwrap();
            out.insert(id.to_string());
            out.insert(id.simple().to_string());
        }
    }
    store.pool.close().await;
    out.into_iter().collect()
}

async fn scalar(url: &str, sql: &'static str) -> i64 {
    let store = ipt_store_sqlite::SqliteStore::connect(url, crate::support::keys_for(url))
        .await
        .unwrap();
    let n = sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&store.pool)
        .await
        .unwrap();
    store.pool.close().await;
    n
}

/// The dates of the final assessments of each patient, as the database has them (UTC).
async fn original_dates(url: &str) -> Vec<Vec<Date>> {
    let store = ipt_store_sqlite::SqliteStore::connect(url, crate::support::keys_for(url))
        .await
        .unwrap();
    let rows = sqlx::query(
        "SELECT a.patient_id, a.administered_at FROM assessments a \
         JOIN courses c ON c.id = a.course_id \
         WHERE a.status = 'final' ORDER BY a.patient_id, c.started_on, c.id, a.administered_at, a.id",
    )
    .fetch_all(&store.pool)
    .await
    .unwrap();
    let mut out: BTreeMap<Vec<u8>, Vec<Date>> = BTreeMap::new();
    for r in rows {
        let at: String = r.get(1);
        let at = time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339)
            .unwrap()
            .to_offset(time::UtcOffset::UTC);
        out.entry(r.get(0)).or_default().push(at.date());
    }
    store.pool.close().await;
    out.into_values().collect()
}

#[tokio::test]
async fn the_export_has_one_row_per_final_assessment_and_nothing_that_identifies() {
    let dir = demo();
    let url = db_url(&dir);
    let csv = export(&dir, "assessments.csv", false);

    let expected = ipt_app::usecases::export::header();
    assert_eq!(csv.header, expected);
    for c in [
        "patient",
        "course",
        "instrument",
        "item_1",
        "item_9",
        "total",
        "severity",
        "risk_flag",
        "session_number",
        "phase",
        "course_format",
        "focus_area_1",
        "date",
    ] {
        csv.col(c);
    }
    let finals = scalar(
        &url,
        "SELECT COUNT(*) FROM assessments WHERE status = 'final'",
    )
    .await;
    assert!(finals >= 40, "the demo has substance");
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM assessments WHERE status = 'final' AND course_id IS NULL"
        )
        .await,
        0,
        "every demo assessment belongs to a course"
    );
    assert_eq!(
        csv.rows.len() as i64,
        finals,
        "one row per final assessment"
    );
    let patients = csv.by_patient().len() as i64;
    assert!(patients >= 20, "{patients}");
    assert!(csv.rows.iter().any(|r| r[csv.col("risk_flag")] == "1"));
    assert!(
        csv.rows
            .iter()
            .any(|r| !r[csv.col("session_number")].is_empty())
    );
    assert!(
        csv.rows
            .iter()
            .any(|r| !r[csv.col("focus_area_1")].is_empty())
    );

    // The demo gives the RAS too: written as published, −3 … +3 with no 0, its total signed.
    let (instrument, item_1, total) = (csv.col("instrument"), csv.col("item_1"), csv.col("total"));
    let ras: Vec<&Vec<String>> = csv.rows.iter().filter(|r| r[instrument] == "ras").collect();
    assert!(!ras.is_empty(), "the demo gives the RAS");
    for r in &ras {
        let v: i64 = r[item_1].parse().unwrap();
        assert!((-3..=3).contains(&v) && v != 0, "{r:?}");
        let t: f64 = r[total].parse().unwrap();
        assert!((-90.0..=90.0).contains(&t), "{r:?}");
    }
    assert!(
        ras.iter().any(|r| r[total].starts_with('-')),
        "some RAS totals are negative"
    );
    check_cells(&csv);
    // Every cell is now known to be a code, number, date or pseudonym; a database string can
    // only coincide with one where it *is* a code (the demo account "clinician" and the
    // administration mode "clinician"), so those are left out of the search.
    let codes: BTreeSet<&String> = csv.rows.iter().flatten().collect();
    let secrets: Vec<String> = secrets(&url)
        .await
        .into_iter()
        .filter(|s| !codes.contains(s) || s.contains(' '))
        .collect();
    assert!(
        secrets.len() > 200,
        "the database was read: {}",
        secrets.len()
    );
    let leaked: Vec<_> = secrets
        .iter()
        .filter(|s| csv.raw.contains(s.as_str()))
        .collect();
    assert!(leaked.is_empty(), "leaked into the CSV: {leaked:?}");

    // Written atomically: nothing half-written is left beside the file.
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'export.assessments'"
        )
        .await,
        1,
        "one audit event per export"
    );
    assert!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'export.assessment.read'"
        )
        .await
            >= patients,
        "each patient's assessments were read under audit"
    );
}

/// The relationships export (#21): one row per person of each closeness-circle snapshot, with
/// pseudonyms that pair a relationship's start and end rows, and no name anywhere.
#[tokio::test]
async fn the_relationships_export_pairs_start_and_end_and_names_no_one() {
    let dir = demo();
    let url = db_url(&dir);
    let o = ipt(
        &dir,
        &["export", "relationships", "--out", "relationships.csv"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("relationship rows"), "{}", text(&o));
    let csv = Csv::read(&dir.0.join("relationships.csv"));
    assert_eq!(csv.header, ipt_app::usecases::export::relationship_header());
    let (point, person, rating) = (
        csv.col("point"),
        csv.col("person"),
        csv.col("self_expression"),
    );
    assert!(csv.rows.len() > 20, "{}", csv.rows.len());
    for r in &csv.rows {
        assert!(
            is_pseudonym(&r[0], "P-") && is_pseudonym(&r[1], "C-"),
            "{r:?}"
        );
        assert!(is_pseudonym(&r[person], "R-"), "{r:?}");
        assert!(["start", "end"].contains(&r[point].as_str()), "{r:?}");
        assert!(
            r[rating].is_empty() || matches!(r[rating].as_str(), "0" | "1" | "2" | "3" | "4"),
            "{r:?}"
        );
    }
    // A relationship of a completed demo course appears at the start and at the end, with
    // its rating moved by the course (the demo moves it one step either way).
    let mut by_person: BTreeMap<&str, Vec<&Vec<String>>> = BTreeMap::new();
    for r in &csv.rows {
        by_person.entry(r[person].as_str()).or_default().push(r);
    }
    let paired: Vec<_> = by_person
        .values()
        .filter(|rows| rows.len() == 2 && rows.iter().all(|r| !r[rating].is_empty()))
        .collect();
    assert!(
        !paired.is_empty(),
        "some relationships are rated at both points"
    );
    assert!(paired.iter().any(|rows| rows[0][rating] != rows[1][rating]));
    // No alias, note or name reaches the file.
    let leaked: Vec<String> = secrets(&url)
        .await
        .into_iter()
        .filter(|s| s.len() > 3 && csv.raw.contains(s.as_str()))
        .collect();
    assert!(leaked.is_empty(), "leaked into the CSV: {leaked:?}");
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'export.relationships'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn date_shift_moves_each_patients_dates_by_one_amount_and_keeps_intervals() {
    let dir = demo();
    let url = db_url(&dir);
    let plain = export(&dir, "plain.csv", false);
    let shifted = export(&dir, "shifted.csv", true);
    assert_eq!(plain.rows.len(), shifted.rows.len());
    let d = plain.col("date");

    // Without the shift, the dates are those of the database.
    let mut file_dates: Vec<Date> = plain.rows.iter().map(|r| date(&r[d])).collect();
    let mut db_dates: Vec<Date> = original_dates(&url).await.concat();
    file_dates.sort();
    db_dates.sort();
    assert_eq!(file_dates, db_dates);
    assert!(plain.rows.iter().all(|r| r[d + 1] == "0"));
    assert!(shifted.rows.iter().all(|r| r[d + 1] == "1"));

    // Match each patient's rows across the two files by everything but pseudonyms and dates.
    let index: BTreeMap<String, Vec<Vec<String>>> = plain
        .by_patient()
        .into_values()
        .map(|rows| (plain.signature(&rows), rows))
        .collect();
    assert_eq!(
        index.len(),
        plain.by_patient().len(),
        "patients' data are distinct"
    );
    let mut shifts = BTreeSet::new();
    for rows in shifted.by_patient().into_values() {
        let original = index
            .get(&shifted.signature(&rows))
            .expect("the same patient's rows in the plain export");
        let deltas: BTreeSet<i64> = rows
            .iter()
            .zip(original)
            .map(|(s, o)| (date(&s[d]) - date(&o[d])).whole_days())
            .collect();
        assert_eq!(deltas.len(), 1, "one shift per patient: {deltas:?}");
        let delta = *deltas.first().unwrap();
        assert!(delta != 0 && delta.abs() <= 183, "{delta}");
        shifts.insert(delta);
        // The intervals between the patient's assessments are kept.
        let gaps = |rs: &[Vec<String>]| {
            rs.windows(2)
                .map(|w| (date(&w[1][d]) - date(&w[0][d])).whole_days())
                .collect::<Vec<_>>()
        };
        assert_eq!(gaps(&rows), gaps(original));
        // Pseudonyms are new in every export.
        assert_ne!(rows[0][0], original[0][0]);
    }
    assert!(
        shifts.len() > 1,
        "patients are shifted by different amounts"
    );
}

#[test]
fn the_export_refuses_a_missing_folder_and_a_missing_database_without_writing() {
    let empty = Scratch::new();
    let o = ipt(&empty, &["export", "assessments", "--out", "x.csv"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("there is no database"), "{}", text(&o));
    assert!(
        !empty.0.join("ipt-data").exists(),
        "no database was created"
    );
    assert!(!empty.0.join("x.csv").exists());

    let o = ipt(
        &empty,
        &["export", "assessments", "--out", "no/such/folder/x.csv"],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("does not exist"), "{}", text(&o));

    let o = ipt(&empty, &["export", "assessments"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("--out"), "{}", text(&o));
}

/// The `[signals]` table of `ipt.toml` (the caseload's "not on track" threshold) is read at
/// start, and a value out of range stops the program with the reason.
#[test]
fn the_signals_settings_are_checked_at_start() {
    let dir = Scratch::new();
    std::fs::write(
        dir.0.join("ipt.toml"),
        "[signals]\nnot_on_track_improvement_percent = 0\n",
    )
    .unwrap();
    let o = ipt(&dir, &["migrate"], None);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("[signals]") && t.contains("between 1 and 100"),
        "{t}"
    );

    std::fs::write(dir.0.join("ipt.toml"), "[signals]\nnot_on_track = 20\n").unwrap();
    let o = ipt(&dir, &["migrate"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("not_on_track"), "{}", text(&o));

    std::fs::write(
        dir.0.join("ipt.toml"),
        "[signals]\nnot_on_track_improvement_percent = 25\n",
    )
    .unwrap();
    let o = ipt(&dir, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
}
