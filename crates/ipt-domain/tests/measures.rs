//! Measurement engine: hand-worked scoring vectors for every instrument, property tests,
//! a snapshot of the catalogue, and hand-worked change metrics.

use std::collections::BTreeMap;

use ipt_domain::measures::{
    self, Catalogue, ChangeConfig, Instrument, ScoreError, ScoreResult, ScoringConfig,
    paired_outcome,
};
use proptest::prelude::*;

fn inst(code: &str) -> &'static Instrument {
    Catalogue::builtin().get(code).unwrap()
}

fn score(code: &str, answers: &str) -> ScoreResult {
    measures::score(code, answers).unwrap_or_else(|e| panic!("{code} {answers}: {e}"))
}

/// Score and check total, severity and risk items.
#[track_caller]
fn check(
    code: &str,
    answers: &str,
    total: u32,
    severity: Option<&str>,
    risk: &[u16],
) -> ScoreResult {
    let r = score(code, answers);
    assert_eq!(r.total, Some(total), "{code} {answers}");
    assert_eq!(r.severity.as_deref(), severity, "{code} {answers}");
    assert_eq!(r.risk_items, risk, "{code} {answers}");
    assert!(r.valid, "{code} {answers}");
    r
}

#[track_caller]
fn invalid(code: &str, answers: &str) -> ScoreResult {
    let r = score(code, answers);
    assert!(!r.valid, "{code} {answers}");
    assert_eq!(r.total, None);
    assert_eq!(r.severity, None);
    assert!(!r.prorated);
    assert!(
        r.errors
            .iter()
            .any(|e| e.starts_with("too many missing items")
                || e.contains("is scored only when every item is answered")),
        "{:?}",
        r.errors
    );
    r
}

// ---------------------------------------------------------------- PHQ-9

#[test]
fn phq9_min_max_and_every_band_edge() {
    let r = check("phq9", "0,0,0,0,0,0,0,0,0", 0, Some("minimal"), &[]);
    assert!(r.errors.is_empty() && !r.prorated);
    assert_eq!(r.version, "1.0.0");
    check("phq9", "1,1,1,1,0,0,0,0,0", 4, Some("minimal"), &[]);
    check("phq9", "1,1,1,1,1,0,0,0,0", 5, Some("mild"), &[]);
    check("phq9", "1,1,1,1,1,1,1,1,1", 9, Some("mild"), &[9]);
    check("phq9", "2,2,2,2,2,0,0,0,0", 10, Some("moderate"), &[]);
    check("phq9", "2,2,2,2,2,2,2,0,0", 14, Some("moderate"), &[]);
    check(
        "phq9",
        "3,3,3,3,3,0,0,0,0",
        15,
        Some("moderately_severe"),
        &[],
    );
    check(
        "phq9",
        "3,3,3,3,3,3,1,0,0",
        19,
        Some("moderately_severe"),
        &[],
    );
    check("phq9", "3,3,3,3,3,3,2,0,0", 20, Some("severe"), &[]);
    check("phq9", "3,3,3,3,3,3,3,3,3,3", 27, Some("severe"), &[9]);
}

#[test]
fn phq9_item_9_flags_from_1_whatever_the_total() {
    check("phq9", "0,0,0,0,0,0,0,0,0", 0, Some("minimal"), &[]);
    check("phq9", "0,0,0,0,0,0,0,0,1", 1, Some("minimal"), &[9]);
    check("phq9", "0,0,0,0,0,0,0,0,3", 3, Some("minimal"), &[9]);
}

#[test]
fn phq9_prorates_up_to_two_missing_items() {
    // 7 answered items summing to 7: 7 × 9 / 7 = 9.
    let r = check("phq9", "1,1,1,1,1,1,1,,", 9, Some("mild"), &[]);
    assert!(r.prorated);
    assert_eq!(
        r.errors,
        ["risk item 9 (thoughts of death or self-harm) was not answered: ask about it directly"]
    );
    // One missing: 4 over 8 items × 9 = 4.5, rounded half up to 5 (mild, not minimal).
    let r = check("phq9", "1,1,1,1,0,0,0,0,", 5, Some("mild"), &[]);
    assert!(r.prorated);
    // 21 over 8 × 9 = 23.6 → 24.
    check("phq9", "3,3,3,3,3,3,3,0,", 24, Some("severe"), &[]);
    // Three missing: invalid, but the risk item still counts.
    let r = invalid("phq9", "1,1,1,1,1,,,,2");
    assert_eq!(r.risk_items, [9]);
    assert_eq!(
        r.errors,
        ["too many missing items: 3 of 9 unanswered (item 6, 7, 8); at most 2 may be missing"]
    );
}

#[test]
fn phq9_difficulty_item_is_recorded_but_unscored() {
    let a = inst("phq9").parse_answers("0,0,0,0,0,0,0,0,0,3").unwrap();
    assert_eq!(a.values()[9], Some(3));
    check("phq9", "0,0,0,0,0,0,0,0,0,3", 0, Some("minimal"), &[]);
    let e = measures::score("phq9", "0,0,0,0,0,0,0,0,0,4").unwrap_err();
    assert_eq!(
        e.to_string(),
        "value out of range for phq9 item 10: 4 not in 0–3"
    );
}

// ---------------------------------------------------------------- PHQ-2

#[test]
fn phq2_vectors_and_derivation() {
    check("phq2", "0,0", 0, Some("negative"), &[]);
    check("phq2", "1,1", 2, Some("negative"), &[]);
    check("phq2", "2,1", 3, Some("positive"), &[]);
    check("phq2", "3,3", 6, Some("positive"), &[]);
    invalid("phq2", "3,");
    let (p9, p2) = (inst("phq9"), inst("phq2"));
    let a = p9.parse_answers("2,1,3,3,3,3,3,3,0").unwrap();
    let d = p2.derive_answers(p9, &a).unwrap();
    let r = p2.evaluate(&d, &ScoringConfig::default()).unwrap();
    assert_eq!(
        (r.total, r.severity.as_deref()),
        (Some(3), Some("positive"))
    );
}

// ---------------------------------------------------------------- GAD-7

#[test]
fn gad7_min_max_band_edges_and_missing() {
    check("gad7", "0,0,0,0,0,0,0", 0, Some("minimal"), &[]);
    check("gad7", "1,1,1,1,0,0,0", 4, Some("minimal"), &[]);
    check("gad7", "1,1,1,1,1,0,0", 5, Some("mild"), &[]);
    check("gad7", "2,2,2,2,1,0,0", 9, Some("mild"), &[]);
    check("gad7", "2,2,2,2,2,0,0", 10, Some("moderate"), &[]);
    check("gad7", "2,2,2,2,2,2,2", 14, Some("moderate"), &[]);
    check("gad7", "3,3,3,3,3,0,0", 15, Some("severe"), &[]);
    check("gad7", "3,3,3,3,3,3,3", 21, Some("severe"), &[]);
    // No published prorating rule (#14 finding 10): one missing item gives no total; version 1
    // prorated it to 14.
    let r = invalid("gad7", "2,2,2,2,2,2,");
    assert_eq!(
        r.errors,
        ["item 7 unanswered: GAD-7 is scored only when every item is answered (no prorating)"]
    );
    invalid("gad7", "2,2,2,2,2,,");
}

// ---------------------------------------------------------------- HAM-D-17

#[test]
fn hamd_min_max_and_zimmerman_band_edges() {
    check(
        "hamd17",
        "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
        0,
        Some("normal"),
        &[],
    );
    check(
        "hamd17",
        "4,4,4,2,2,2,4,4,4,4,4,2,2,2,4,2,2",
        52,
        Some("severe"),
        &[3],
    );
    check(
        "hamd17",
        "1,1,0,1,1,1,1,1,0,0,0,0,0,0,0,0,0",
        7,
        Some("normal"),
        &[],
    );
    check(
        "hamd17",
        "1,1,0,1,1,1,1,1,1,0,0,0,0,0,0,0,0",
        8,
        Some("mild"),
        &[],
    );
    check(
        "hamd17",
        "2,2,0,2,2,2,2,2,2,0,0,0,0,0,0,0,0",
        16,
        Some("mild"),
        &[],
    );
    check(
        "hamd17",
        "2,2,0,2,2,2,2,2,2,1,0,0,0,0,0,0,0",
        17,
        Some("moderate"),
        &[],
    );
    check(
        "hamd17",
        "4,4,0,2,2,2,4,4,1,0,0,0,0,0,0,0,0",
        23,
        Some("moderate"),
        &[],
    );
    check(
        "hamd17",
        "4,4,0,2,2,2,4,4,2,0,0,0,0,0,0,0,0",
        24,
        Some("severe"),
        &[],
    );
}

#[test]
fn hamd_camcops_bands_are_configurable() {
    let mut cfg = ScoringConfig::default();
    cfg.bands.insert("hamd17".into(), "camcops".into());
    let h = inst("hamd17");
    let at = |s: &str| {
        let a = h.parse_answers(s).unwrap();
        h.evaluate(&a, &cfg).unwrap().severity.unwrap()
    };
    assert_eq!(at("2,2,0,2,2,2,2,0,1,0,0,0,0,0,0,0,0"), "mild"); // 13
    assert_eq!(at("2,2,0,2,2,2,2,1,1,0,0,0,0,0,0,0,0"), "moderate"); // 14
    assert_eq!(at("4,4,0,2,2,2,4,2,1,0,0,0,0,0,0,0,0"), "severe"); // 21
    assert_eq!(at("4,4,0,2,2,2,4,4,1,0,0,0,0,0,0,0,0"), "very_severe"); // 23
}

#[test]
fn hamd_item_16_counts_one_rating_and_not_assessed_is_left_out() {
    // 16a by history (compact form) and 16b by weight (full form) both count once.
    check(
        "hamd17",
        "1,1,0,1,1,1,1,1,0,0,0,0,0,0,0,2,0",
        9,
        Some("mild"),
        &[],
    );
    check(
        "hamd17",
        "1,1,0,1,1,1,1,1,0,0,0,0,0,0,0,,2,0",
        9,
        Some("mild"),
        &[],
    );
    // "Not assessed" (3) is neither scored nor missing.
    let r = check(
        "hamd17",
        "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,3,1",
        16,
        Some("mild"),
        &[],
    );
    assert!(!r.prorated && r.errors.is_empty());
    let e = measures::score("hamd17", "1,1,0,1,1,1,1,1,0,0,0,0,0,0,0,1,1,0").unwrap_err();
    assert!(
        matches!(e, ScoreError::ConflictingAlternatives { .. }),
        "{e}"
    );
    let e = measures::score("hamd17", "1,1,0,1,1,1,1,1,0,0,0,0,0,0,0,4,0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "value out of range for hamd17 item 16a: 4 not in 0–2 or 3 (not assessed)"
    );
    let e = measures::score("hamd17", "1,1,0,3,1,1,1,1,0,0,0,0,0,0,0,0,0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "value out of range for hamd17 item 4: 3 not in 0–2"
    );
}

#[test]
fn hamd_risk_item_3_defaults_to_2_and_no_item_may_be_missing() {
    check(
        "hamd17",
        "0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
        1,
        Some("normal"),
        &[],
    );
    check(
        "hamd17",
        "0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
        2,
        Some("normal"),
        &[3],
    );
    let mut cfg = ScoringConfig::default();
    cfg.risk
        .insert("hamd17".into(), BTreeMap::from([("q3".to_string(), 1)]));
    let r = inst("hamd17")
        .score_with(
            &[0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].map(Some),
            &cfg,
        )
        .unwrap();
    assert_eq!(r.risk_items, [3]);
    let r = invalid("hamd17", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,,1");
    assert!(r.errors[0].contains("item 16a/16b"), "{:?}", r.errors);
    invalid("hamd17", ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0");
}

// ---------------------------------------------------------------- GDS-15

/// The GDS-15 key written out independently of the definition: the answer that scores
/// (1 = yes, 0 = no) for items 1–15 (instruments.md "Notes").
const GDS_SCORING_ANSWER: [u8; 15] = [0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1];

/// Answers in which exactly the listed items get their scoring answer.
fn gds(depressive: &[usize]) -> String {
    (1..=15)
        .map(|n| {
            let a = GDS_SCORING_ANSWER[n - 1];
            (if depressive.contains(&n) { a } else { 1 - a }).to_string()
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn gds_reverse_keyed_items_score_a_no() {
    check("gds15", &gds(&[]), 0, Some("normal"), &[]);
    check(
        "gds15",
        &gds(&(1..=15).collect::<Vec<_>>()),
        15,
        Some("severe"),
        &[],
    );
    // All "no": only the five reverse-keyed items (1, 5, 7, 11, 13) score.
    check(
        "gds15",
        "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
        5,
        Some("mild"),
        &[],
    );
    // All "yes": the other ten score.
    check(
        "gds15",
        "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
        10,
        Some("moderate"),
        &[],
    );
    check("gds15", &gds(&[1]), 1, Some("normal"), &[]);
    check("gds15", &gds(&[2]), 1, Some("normal"), &[]);
}

#[test]
fn gds_band_edges_and_missing_policy() {
    check("gds15", &gds(&[1, 2, 3, 4]), 4, Some("normal"), &[]);
    check("gds15", &gds(&[1, 2, 3, 4, 5]), 5, Some("mild"), &[]);
    check(
        "gds15",
        &gds(&[1, 2, 3, 4, 5, 6, 7, 8]),
        8,
        Some("mild"),
        &[],
    );
    check(
        "gds15",
        &gds(&[1, 2, 3, 4, 5, 6, 7, 8, 9]),
        9,
        Some("moderate"),
        &[],
    );
    check(
        "gds15",
        &gds(&(1..=11).collect::<Vec<_>>()),
        11,
        Some("moderate"),
        &[],
    );
    check(
        "gds15",
        &gds(&(1..=12).collect::<Vec<_>>()),
        12,
        Some("severe"),
        &[],
    );
    // No prorating: with items 13–15 missing, version 1 lifted 4 to 5, a positive screen.
    invalid("gds15", "0,0,0,0,0,0,0,0,0,0,0,0,,,");
    invalid("gds15", "0,0,0,0,0,0,0,0,0,0,0,0,0,0,");
    invalid("gds15", "0,0,0,0,0,0,0,0,0,0,0,,,,");
    let e = measures::score("gds15", "2,0,0,0,0,0,0,0,0,0,0,0,0,0,0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "value out of range for gds15 item 1: 2 not in 0–1"
    );
}

// ---------------------------------------------------------------- EPDS

#[test]
fn epds_answers_are_already_scored() {
    check(
        "epds",
        "0,0,0,0,0,0,0,0,0,0",
        0,
        Some("below_threshold"),
        &[],
    );
    check(
        "epds",
        "3,3,3,3,3,3,3,3,3,3",
        30,
        Some("probable_depression"),
        &[10],
    );
    // Item 3 is reverse-scored on the form, but the stored value is its score: 3 counts 3.
    check(
        "epds",
        "0,0,3,0,0,0,0,0,0,0",
        3,
        Some("below_threshold"),
        &[],
    );
    check(
        "epds",
        "1,1,1,1,1,1,1,1,1,0",
        9,
        Some("below_threshold"),
        &[],
    );
    check(
        "epds",
        "1,1,1,1,1,1,1,1,2,0",
        10,
        Some("possible_depression"),
        &[],
    );
    check(
        "epds",
        "2,2,2,2,1,1,1,1,0,0",
        12,
        Some("possible_depression"),
        &[],
    );
    check(
        "epds",
        "2,2,2,2,2,1,1,1,0,0",
        13,
        Some("probable_depression"),
        &[],
    );
}

#[test]
fn epds_item_10_risk_subscale_and_missing() {
    check(
        "epds",
        "0,0,0,0,0,0,0,0,0,1",
        1,
        Some("below_threshold"),
        &[10],
    );
    let r = check(
        "epds",
        "0,0,2,3,1,0,0,0,0,0",
        6,
        Some("below_threshold"),
        &[],
    );
    let anx = r.subscales["anxiety"].as_ref().unwrap();
    assert_eq!((anx.total, anx.mean, anx.prorated), (6, 2.0, false));
    // #14 finding 10: one missing item (item 10). Version 1 prorated 9 over 9 × 10 = 10 and
    // crossed the screening cut-off; no published rule supports that, so there is no total,
    // and item 10 must still be asked.
    let r = invalid("epds", "1,1,1,1,1,1,1,1,1,");
    assert_ne!(r.total, Some(10));
    assert_eq!(
        r.errors,
        [
            "item 10 unanswered: EPDS is scored only when every item is answered (no prorating)",
            "risk item 10 (thoughts of self-harm) was not answered: ask about it directly"
        ]
    );
    // The same with a missing item that is not the risk item.
    let r = invalid("epds", "1,1,1,1,,1,1,1,1,1");
    assert_eq!(r.severity, None);
    let r = invalid("epds", "1,1,,1,1,1,1,1,1,");
    assert_eq!(r.subscales["anxiety"], None);
}

// ---------------------------------------------------------------- PHQ-A

#[test]
fn phqa_scores_like_phq9_with_its_own_risk_questions() {
    check("phqa", "0,0,0,0,0,0,0,0,0,0,0,0,0", 0, Some("minimal"), &[]);
    check(
        "phqa",
        "3,3,3,3,3,3,3,3,3,1,3,1,1",
        27,
        Some("severe"),
        &[9, 12, 13],
    );
    check(
        "phqa",
        "2,2,2,2,2,0,0,0,0,1,2,0,0",
        10,
        Some("moderate"),
        &[],
    );
    check(
        "phqa",
        "0,0,0,0,0,0,0,0,0,0,0,1,0",
        0,
        Some("minimal"),
        &[12],
    );
    check(
        "phqa",
        "0,0,0,0,0,0,0,0,0,0,0,0,1",
        0,
        Some("minimal"),
        &[13],
    );
    // The extra questions may be left off, but then the suicide questions must be asked.
    let r = check("phqa", "1,1,1,1,1,0,0,0,0", 5, Some("mild"), &[]);
    assert_eq!(r.errors.len(), 2);
    assert!(r.errors[0].starts_with("risk item 12"));
    let e = measures::score("phqa", "0,0,0,0,0,0,0,0,0,0,0,2,0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "value out of range for phqa item 12: 2 not in 0–1"
    );
    assert_eq!(inst("phqa").expected_counts(), "9 to 13");
    invalid("phqa", "1,1,1,1,1,,,,0,0,0,0,0");
    // No prorating for the PHQ-A either: one missing item gives no total.
    invalid("phqa", "2,2,2,2,,0,0,0,0,0,0,0,0");
}

/// #14 finding 10: the PHQ-A lists mood first and interest second (Johnson et al. 2002), the
/// reverse of the PHQ-9; version 1 copied the PHQ-9 order.
#[test]
fn phqa_items_1_and_2_follow_the_published_phqa_order() {
    let (a, p9) = (inst("phqa"), inst("phq9"));
    assert_eq!(a.items[0].concept, "low, irritable or hopeless mood");
    assert_eq!(a.items[1].concept, "little interest or pleasure");
    assert_eq!((a.items[0].number, a.items[1].number), (1, 2));
    assert_eq!(p9.items[0].concept, "little interest or pleasure");
    assert_eq!(a.items[1].concept, p9.items[0].concept);
    assert_eq!(
        a.version.split('.').next(),
        Some("2"),
        "the meaning of item 1 changed"
    );
}

// ---------------------------------------------------------------- MSPSS

#[test]
fn mspss_totals_bands_and_subscales() {
    let r = check("mspss", "1,1,1,1,1,1,1,1,1,1,1,1", 12, Some("low"), &[]);
    assert_eq!(r.subscales["family"].as_ref().unwrap().mean, 1.0);
    check("mspss", "7,7,7,7,7,7,7,7,7,7,7,7", 84, Some("high"), &[]);
    check("mspss", "2,3,3,3,3,3,3,3,3,3,3,3", 35, Some("low"), &[]);
    check(
        "mspss",
        "3,3,3,3,3,3,3,3,3,3,3,3",
        36,
        Some("moderate"),
        &[],
    );
    check(
        "mspss",
        "5,5,5,5,5,5,5,5,5,5,5,5",
        60,
        Some("moderate"),
        &[],
    );
    check("mspss", "6,5,5,5,5,5,5,5,5,5,5,5", 61, Some("high"), &[]);
    // Subscales: significant other 1, 2, 5, 10; family 3, 4, 8, 11; friends 6, 7, 9, 12.
    let r = check(
        "mspss",
        "7,7,1,1,7,4,4,1,4,7,1,4",
        48,
        Some("moderate"),
        &[],
    );
    let s = |c: &str| r.subscales[c].clone().unwrap();
    assert_eq!(
        (s("significant_other").total, s("significant_other").mean),
        (28, 7.0)
    );
    assert_eq!((s("family").total, s("family").mean), (4, 1.0));
    assert_eq!((s("friends").total, s("friends").mean), (16, 4.0));
}

#[test]
fn mspss_missing_items_are_not_prorated() {
    // No published prorating rule (Zimet 1988 gives none): item 1 missing gives no total and
    // no significant-other subscale (version 1 prorated both); the other subscales, fully
    // answered, still score.
    let r = invalid("mspss", ",7,1,1,7,4,4,1,4,7,1,4");
    assert_eq!(r.subscales["significant_other"], None);
    let fam = r.subscales["family"].clone().unwrap();
    assert_eq!((fam.total, fam.prorated), (4, false));
    invalid("mspss", ",,1,1,7,4,4,1,4,7,1,4");
    invalid("mspss", ",,,1,7,4,4,1,4,7,1,4");
}

/// #14 finding 10: of the shipped instruments only the PHQ-9 keeps a prorating convention.
#[test]
fn only_the_phq9_prorates() {
    for i in Catalogue::builtin().instruments() {
        let expected = if i.code == "phq9" { 2 } else { 0 };
        assert_eq!(i.missing.max_prorated, expected, "{}", i.code);
        assert!(
            i.subscales.iter().all(|s| s.max_prorated == 0),
            "{} subscales",
            i.code
        );
    }
}

// ---------------------------------------------------------------- UCLA-3

#[test]
fn ucla3_has_no_default_bands_and_no_prorating() {
    check("ucla3", "1,1,1", 3, None, &[]);
    check("ucla3", "3,3,3", 9, None, &[]);
    invalid("ucla3", "3,3,");
    let e = measures::score("ucla3", "0,1,1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "value out of range for ucla3 item 1: 0 not in 1–3"
    );
    let mut cfg = ScoringConfig::default();
    cfg.bands.insert("ucla3".into(), "lonely_6_to_9".into());
    let u = inst("ucla3");
    let sev = |a: [u8; 3]| u.score_with(&a.map(Some), &cfg).unwrap().severity.unwrap();
    assert_eq!(sev([2, 2, 1]), "not_lonely");
    assert_eq!(sev([2, 2, 2]), "lonely");
}

// ---------------------------------------------------------------- WSAS

#[test]
fn wsas_bands_not_applicable_work_item_and_no_prorating() {
    check("wsas", "0,0,0,0,0", 0, Some("subclinical"), &[]);
    check("wsas", "8,8,8,8,8", 40, Some("moderately_severe"), &[]);
    check("wsas", "2,2,2,2,1", 9, Some("subclinical"), &[]);
    check("wsas", "2,2,2,2,2", 10, Some("significant"), &[]);
    check("wsas", "4,4,4,4,4", 20, Some("significant"), &[]);
    check("wsas", "5,4,4,4,4", 21, Some("moderately_severe"), &[]);
    // Work not applicable: the other four items, out of 32.
    let r = check("wsas", "9,8,8,8,8", 32, Some("moderately_severe"), &[]);
    assert!(!r.prorated && r.errors.is_empty());
    let r = invalid("wsas", "3,3,3,3,");
    assert_eq!(
        r.errors,
        ["item 5 unanswered: WSAS is scored only when every item is answered (no prorating)"]
    );
    let e = measures::score("wsas", "0,9,0,0,0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "value out of range for wsas item 2: 9 not in 0–8"
    );
}

// ---------------------------------------------------------------- our own single items

#[test]
fn session_mood_and_goal_progress() {
    check("session_mood", "0", 0, None, &[]);
    check("session_mood", "10", 10, None, &[]);
    check("goal_progress", "7", 7, None, &[]);
    invalid("goal_progress", "");
    assert!(measures::score("session_mood", "11").is_err());
    assert!(measures::score("session_mood", "5,5").is_err());
}

// ---------------------------------------------------------------- errors

#[test]
fn bad_input_names_the_problem() {
    let e = measures::score("bdi2", "1").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown instrument 'bdi2' (known: phq9, phq2, gad7"),
        "{e}"
    );
    let e = measures::score("phq9", "1,2,3").unwrap_err();
    assert_eq!(
        e.to_string(),
        "wrong number of answers for phq9: expected 9 or 10, got 3"
    );
    let e = measures::score("phq9", "1,2,three,0,0,0,0,0,0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "answer 3 is 'three', which is not a whole number (leave a missing item empty)"
    );
    let e = measures::score("hamd17", "1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "wrong number of answers for hamd17: expected 17 or 18, got 1"
    );
}

#[test]
fn score_result_json_has_exactly_the_agreed_keys() {
    let r = score("mspss", "7,7,1,1,7,4,4,1,4,7,1,4");
    let v = serde_json::to_value(&r).unwrap();
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "errors",
            "instrument",
            "prorated",
            "risk_items",
            "severity",
            "subscales",
            "total",
            "valid",
            "version"
        ]
    );
    assert_eq!(
        v["subscales"]["friends"],
        serde_json::json!({"total": 16, "mean": 4.0, "prorated": false})
    );
    let back: ScoreResult = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}

// ---------------------------------------------------------------- change metrics

#[track_caller]
fn change(code: &str, b: u32, f: u32) -> [Option<bool>; 6] {
    let c = measures::change(code, b, f).unwrap();
    [
        c.response,
        c.remission,
        c.reliable_improvement,
        c.reliable_deterioration,
        c.clinically_significant_improvement,
        c.reliable_recovery,
    ]
}

const T: Option<bool> = Some(true);
const F: Option<bool> = Some(false);
const N: Option<bool> = None;

#[test]
fn change_phq9_hand_worked() {
    // [response, remission, reliable improvement, reliable deterioration, CSI, reliable recovery]
    assert_eq!(change("phq9", 18, 7), [T, F, T, F, T, T]); // −11: ≥ 9 is 50 %; 7 is not < 5
    assert_eq!(change("phq9", 18, 9), [T, F, T, F, T, T]); // exactly 50 %
    assert_eq!(change("phq9", 18, 10), [F, F, T, F, F, F]); // still a case at 10
    // Crossed 10, but 4 < 6 points: not reliable, so not clinically significant (J&T 1991).
    assert_eq!(change("phq9", 12, 8), [F, F, F, F, F, F]);
    // #14 finding 10: 10 → 9 only crosses the cut-off.
    assert_eq!(change("phq9", 10, 9), [F, F, F, F, F, F]);
    assert_eq!(change("phq9", 10, 4), [T, T, T, F, T, T]);
    assert_eq!(change("phq9", 8, 14), [F, F, F, T, F, F]); // +6: reliable deterioration
    assert_eq!(change("phq9", 0, 0), [F, T, F, F, F, F]);
}

#[test]
fn change_other_instruments_hand_worked() {
    assert_eq!(change("gad7", 12, 7), [F, F, T, F, T, T]); // −5 ≥ 4; 12 ≥ 8 → 7 < 8
    assert_eq!(change("gad7", 12, 4), [T, T, T, F, T, T]);
    assert_eq!(change("gad7", 5, 9), [F, F, F, T, F, F]);
    // HAM-D: Jacobson–Truax threshold 1.96 × 5.2 × √(2 × 0.211) = 6.62, so 7 points.
    assert_eq!(change("hamd17", 20, 13), [F, F, T, F, F, F]);
    assert_eq!(change("hamd17", 20, 14), [F, F, F, F, F, F]);
    assert_eq!(change("hamd17", 14, 7), [T, T, T, F, T, T]);
    // EPDS: 4 points (Matthey 2004), caseness 13, remission below 10.
    assert_eq!(change("epds", 15, 11), [F, F, T, F, T, T]);
    assert_eq!(change("epds", 15, 9), [F, T, T, F, T, T]);
    assert_eq!(change("epds", 14, 7), [T, T, T, F, T, T]);
    // GDS-15: 1.96 × 3.4 × √0.4 = 4.21, so 5 points; caseness 5.
    assert_eq!(change("gds15", 9, 4), [T, T, T, F, T, T]); // 5 ≥ 4.5
    assert_eq!(change("gds15", 9, 5), [F, F, F, F, F, F]);
    // WSAS: 1.96 × 9 × √0.54 = 12.96, so 13 points; no response rule.
    assert_eq!(change("wsas", 25, 12), [N, F, T, F, F, F]);
    assert_eq!(change("wsas", 25, 13), [N, F, F, F, F, F]);
    assert_eq!(change("wsas", 22, 9), [N, T, T, F, T, T]);
    // MSPSS (higher is better): 1.96 × 10.3 × √0.24 = 9.89, so 10 points; low support ≤ 35.
    assert_eq!(change("mspss", 30, 40), [N, N, T, F, T, T]);
    assert_eq!(change("mspss", 30, 39), [N, N, F, F, F, F]); // out of the low band, 9 < 10
    assert_eq!(change("mspss", 50, 40), [N, N, F, T, F, F]);
    // UCLA-3: 1.96 × 1.6 × √0.56 = 2.35, so 3 points; no caseness by default.
    assert_eq!(change("ucla3", 9, 6), [N, N, T, F, N, N]);
    // PHQ-2 has a cut-off but no reliable-change rule: clinically significant change needs
    // both, so it is not defined.
    assert_eq!(change("phq2", 4, 1), [N; 6]);
    assert_eq!(change("session_mood", 3, 8), [N; 6]);
}

#[test]
fn change_refuses_totals_out_of_range_and_unknown_instruments() {
    let e = measures::change("phq9", 28, 3).unwrap_err();
    assert_eq!(
        e.to_string(),
        "phq9: baseline total 28 is out of range (0–27)"
    );
    let e = measures::change("mspss", 40, 5).unwrap_err();
    assert_eq!(
        e.to_string(),
        "mspss: follow-up total 5 is out of range (12–84)"
    );
    assert!(
        measures::change("nope", 1, 1)
            .unwrap_err()
            .to_string()
            .starts_with("unknown instrument 'nope'")
    );
    assert_eq!(
        measures::parse_total("baseline", "x")
            .unwrap_err()
            .to_string(),
        "baseline total 'x' is not a whole number"
    );
}

#[test]
fn change_json_has_exactly_the_agreed_keys() {
    let v = serde_json::to_value(measures::change("wsas", 25, 12).unwrap()).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "response": null,
            "remission": false,
            "reliable_improvement": true,
            "reliable_deterioration": false,
            "clinically_significant_improvement": false,
            "reliable_recovery": false
        })
    );
}

#[test]
fn change_thresholds_can_be_overridden() {
    let cat = Catalogue::builtin();
    let overrides: ChangeConfig = toml::from_str(
        r#"
        [epds]
        direction = "lower_is_better"
        response_reduction = 0.5
        remission = { at_most = 9 }
        reliable_change = { points = 4 }
        caseness = { at_least = 10 }
        "#,
    )
    .unwrap();
    let cfg = ChangeConfig::defaults()
        .with_overrides(cat, overrides)
        .unwrap();
    let epds = inst("epds");
    // With caseness at 10, 12 → 8 (a reliable 4 points) crosses it; with the default 13 it
    // does not.
    assert_eq!(
        epds.change(12, 8)
            .unwrap()
            .clinically_significant_improvement,
        Some(false)
    );
    assert_eq!(
        epds.change_with(&cfg, 12, 8)
            .unwrap()
            .clinically_significant_improvement,
        Some(true)
    );
    let over_course = epds.course_change(&cfg, &[14, 12, 9]).unwrap().unwrap();
    assert_eq!(over_course.reliable_recovery, Some(true));
    assert_eq!(epds.course_change(&cfg, &[14]).unwrap(), None);
    let bad: ChangeConfig =
        toml::from_str("[epds]\ndirection = \"lower_is_better\"\ncaseness = { at_least = 31 }\n")
            .unwrap();
    assert!(ChangeConfig::defaults().with_overrides(cat, bad).is_err());
}

#[test]
fn talking_therapies_paired_outcome() {
    let cfg = ChangeConfig::defaults();
    let o = paired_outcome(&cfg, (15, 8), (10, 6)).unwrap();
    assert!(o.case_at_start && o.recovery && o.reliable_improvement && o.reliable_recovery);
    assert!(!o.reliable_deterioration);
    // PHQ-9 improves reliably while GAD-7 deteriorates reliably: neither counts.
    let o = paired_outcome(&cfg, (15, 8), (5, 10)).unwrap();
    assert!(o.case_at_start && !o.recovery && !o.reliable_improvement && !o.reliable_deterioration);
    // Not a case at the start: no recovery possible.
    let o = paired_outcome(&cfg, (8, 2), (6, 1)).unwrap();
    assert!(!o.case_at_start && !o.recovery && o.reliable_improvement && !o.reliable_recovery);
}

// ---------------------------------------------------------------- snapshot

/// The catalogue as JSON, compared with the committed snapshot. After an intended change,
/// regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p ipt-domain --test main measures` and
/// review the diff (and bump the instrument's version if scores can change).
#[test]
fn catalogue_snapshot() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/measures_catalogue.json"
    );
    let actual = serde_json::to_string_pretty(Catalogue::builtin()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "the instrument catalogue changed; review it and regenerate {path} with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn every_instrument_has_a_source_licence_and_version() {
    for i in Catalogue::builtin().instruments() {
        assert!(
            !i.source.citation.is_empty() && !i.licence.attribution.is_empty(),
            "{}",
            i.code
        );
        assert!(i.version.split('.').count() == 3, "{}", i.code);
        assert!(!i.missing.source.is_empty(), "{}", i.code);
        assert_eq!(i.code == "hamd17", !i.offered_to_patients(), "{}", i.code);
    }
}

// ---------------------------------------------------------------- properties

/// Build one full-slot answer vector for `inst` from random seeds: about one in five items
/// missing; of a group of alternatives only the head is answered.
fn build(inst: &Instrument, seeds: &[(u8, u8)], missing: bool) -> Vec<Option<u8>> {
    inst.items
        .iter()
        .zip(seeds.iter().cycle())
        .map(|(item, &(m, v))| {
            if item.alternative_of.is_some() || (missing && m % 5 == 0) {
                return None;
            }
            let values = inst.scale_of(item).values();
            Some(values[usize::from(v) % values.len()])
        })
        .collect()
}

fn instrument_index() -> impl Strategy<Value = usize> {
    0..Catalogue::builtin().instruments().len()
}

fn seeds() -> impl Strategy<Value = Vec<(u8, u8)>> {
    prop::collection::vec((any::<u8>(), any::<u8>()), 18)
}

proptest! {
    #[test]
    fn total_is_always_within_the_instrument_range(i in instrument_index(), s in seeds()) {
        let inst = &Catalogue::builtin().instruments()[i];
        let r = inst.score(&build(inst, &s, true)).unwrap();
        if let Some(t) = r.total {
            prop_assert!((inst.min_total()..=inst.max_total()).contains(&t));
            prop_assert!(r.valid);
        } else {
            prop_assert!(!r.valid && r.severity.is_none());
        }
    }

    #[test]
    fn raising_an_item_never_lowers_the_total_unless_reverse_keyed(
        i in instrument_index(), s in seeds(), pick in any::<usize>(), missing in any::<bool>()
    ) {
        let inst = &Catalogue::builtin().instruments()[i];
        let mut a = build(inst, &s, missing);
        let scored: Vec<usize> = (0..inst.items.len())
            .filter(|&k| inst.items[k].scored && a[k].is_some())
            .collect();
        prop_assume!(!scored.is_empty());
        let k = scored[pick % scored.len()];
        let scale = inst.scale_of(&inst.items[k]);
        let v = a[k].unwrap();
        // The next answer up the scale (a signed scale skips its missing middle).
        let next = scale.values().into_iter().filter(|x| *x > v && !scale.is_excluded(*x)).min();
        prop_assume!(!scale.is_excluded(v) && next.is_some());
        let before = inst.score(&a).unwrap();
        a[k] = next;
        let after = inst.score(&a).unwrap();
        prop_assert_eq!(before.valid, after.valid);
        if let (Some(b), Some(f)) = (before.total, after.total) {
            let reversed = inst.items[k].reverse_keyed && inst.answers == measures::AnswerKind::Responses;
            if reversed { prop_assert!(f <= b) } else { prop_assert!(f >= b) }
        }
    }

    #[test]
    fn a_risk_item_is_flagged_exactly_when_its_threshold_is_met(i in instrument_index(), s in seeds()) {
        let inst = &Catalogue::builtin().instruments()[i];
        let a = build(inst, &s, true);
        let r = inst.score(&a).unwrap();
        let mut expected: Vec<u16> = inst.risk.iter().filter_map(|rule| {
            let k = inst.items.iter().position(|it| it.id == rule.item)?;
            (a[k]? >= rule.at_least).then_some(inst.items[k].number)
        }).collect();
        expected.sort_unstable();
        prop_assert_eq!(r.risk_items, expected);
    }

    #[test]
    fn prorated_totals_stay_between_all_missing_low_and_all_missing_high(s in seeds()) {
        // Only the PHQ-9 prorates (#14 finding 10); `only_the_phq9_prorates` checks the rest.
        let inst = Catalogue::builtin().get("phq9").unwrap();
        let a = build(inst, &s, true);
        let r = inst.score(&a).unwrap();
        prop_assume!(r.prorated);
        let mut sum = 0u32;
        let mut missing = 0u32;
        let (mut lo, mut hi) = (u8::MAX, 0u8);
        for (k, item) in inst.items.iter().enumerate().filter(|(_, it)| it.scored) {
            let scale = inst.scale_of(item);
            lo = lo.min(scale.min);
            hi = hi.max(scale.max);
            match a[k] {
                None => missing += 1,
                Some(v) if scale.is_excluded(v) => {}
                Some(v) => {
                    let reversed = item.reverse_keyed && inst.answers == measures::AnswerKind::Responses;
                    sum += u32::from(if reversed { scale.min + scale.max - v } else { v });
                }
            }
        }
        prop_assert!(missing >= 1 && missing <= u32::from(inst.missing.max_prorated));
        let t = r.total.unwrap();
        prop_assert!(t >= sum + missing * u32::from(lo) && t <= sum + missing * u32::from(hi));
        prop_assert!((inst.min_total()..=inst.max_total()).contains(&t));
    }

    #[test]
    fn parsing_the_printed_answers_gives_the_same_result(i in instrument_index(), s in seeds()) {
        let inst = &Catalogue::builtin().instruments()[i];
        let a = build(inst, &s, true);
        // Printed as published (a signed scale's codes are not what is typed).
        let text = inst.published_answers(&a).iter().map(|v| v.map_or(String::new(), |x| x.to_string())).collect::<Vec<_>>().join(",");
        prop_assert_eq!(inst.score_str(&text).unwrap(), inst.score(&a).unwrap());
    }
}

/// The Rathus Assertiveness Schedule (Rathus 1973, Behav Ther 4:398-406): 30 items answered
/// −3 … +3 with no 0; items 1, 2, 4, 5, 9, 11–17, 19, 23, 24, 26 and 30 reverse-keyed; the total
/// −90 … +90, higher more assertive. Hand-worked vectors.
mod ras {
    use super::*;

    const REVERSED: [usize; 17] = [
        1, 2, 4, 5, 9, 11, 12, 13, 14, 15, 16, 17, 19, 23, 24, 26, 30,
    ];

    /// Thirty answers, item `i` answered `f(i)`, written with their signs.
    fn answers(f: impl Fn(usize) -> i32) -> String {
        (1..=30)
            .map(|i| format!("{:+}", f(i)))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn published(input: &str) -> Option<i32> {
        let r = inst("ras").score_str(input).unwrap();
        assert!(r.valid == r.total.is_some());
        r.published_total
    }

    #[test]
    fn totals_follow_the_signs_and_the_reverse_keys() {
        // +3 everywhere: the 13 forward items give +39, the 17 reversed give −51.
        assert_eq!(published(&answers(|_| 3)), Some(-12));
        // −1 everywhere: −13 + 17.
        assert_eq!(published(&answers(|_| -1)), Some(4));
        // The most assertive answers (+3 forward, −3 reversed), and the least.
        let most = |i: usize| if REVERSED.contains(&i) { -3 } else { 3 };
        assert_eq!(published(&answers(most)), Some(90));
        assert_eq!(published(&answers(|i| -most(i))), Some(-90));
        // +1 forward and −1 reversed: every item adds +1.
        let ones = |i: usize| if REVERSED.contains(&i) { -1 } else { 1 };
        assert_eq!(published(&answers(ones)), Some(30));
        // Item 1 alone moved from −1 to +2 (it is reversed): the total falls by 3.
        let moved = |i: usize| if i == 1 { 2 } else { ones(i) };
        assert_eq!(published(&answers(moved)), Some(27));
        // The engine keeps codes 0–6; the published total is theirs less 90.
        let r = inst("ras").score_str(&answers(|_| 3)).unwrap();
        assert_eq!((r.total, r.published_total), (Some(78), Some(-12)));
        assert_eq!(inst("ras").total_offset(), -90);
        assert_eq!(inst("ras").shown_range(), (-90, 90));
        // No bands, no cut-offs: no severity.
        assert_eq!(r.severity, None);
    }

    #[test]
    fn a_zero_and_values_off_the_scale_are_refused_naming_the_item() {
        for bad in ["0", "+4", "-4", "−4"] {
            let input = (1..=30)
                .map(|i| if i == 7 { bad.to_string() } else { "+1".into() })
                .collect::<Vec<_>>()
                .join(",");
            let e = inst("ras").score_str(&input).unwrap_err();
            match e {
                ScoreError::OutOfRange { item, allowed, .. } => {
                    assert_eq!(item, "7", "{bad}");
                    assert_eq!(allowed, "−3 to −1 or +1 to +3", "{bad}");
                }
                other => panic!("{bad}: {other}"),
            }
        }
        // The typographic minus sign reads like the hyphen.
        assert_eq!(
            published(&answers(|_| 3).replace('+', "−")),
            published(&answers(|_| -3))
        );
        // An unsigned instrument still refuses a sign.
        assert!(inst("phq9").score_str("-1,0,0,0,0,0,0,0,0").is_err());
    }

    #[test]
    fn a_missing_item_leaves_no_total_and_the_stored_answers_are_codes() {
        let input = (1..=30)
            .map(|i| if i == 30 { String::new() } else { "+2".into() })
            .collect::<Vec<_>>()
            .join(",");
        let r = inst("ras").score_str(&input).unwrap();
        assert!(!r.valid && r.total.is_none() && r.published_total.is_none());
        let stored = inst("ras").parse_answers(&answers(|_| -3)).unwrap();
        assert_eq!(stored.values()[0], Some(0));
        assert_eq!(inst("ras").published_answers(stored.values())[0], Some(-3));
    }

    #[test]
    fn the_entry_door_reads_published_values_and_refuses_a_zero() {
        use ipt_domain::assessment::AssessmentInput;
        use ipt_domain::rule::Code;
        let now = time::macros::datetime!(2026-03-10 10:00 UTC);
        let mut input = AssessmentInput {
            instrument: Some("ras".into()),
            answers: Some((1..=30).map(|_| Some("-2".to_string())).collect()),
            ..Default::default()
        };
        let read = input.read(&[], now).unwrap();
        assert_eq!(read.answers[0], Some(1));
        if let Some(a) = input.answers.as_mut() {
            a[4] = Some("0".into());
        }
        let refused = input.read(&[], now).unwrap_err();
        assert_eq!(refused[0].code, Code::AnswerNotOnScale);
    }
}
