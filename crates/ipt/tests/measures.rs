use crate::support::*;

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

#[test]
fn score_prints_one_json_object_with_the_documented_keys() {
    let dir = Scratch::new();
    let o = ipt(&dir, &["score", "phq9", "3,3,2,2,2,1,1,1,1"], None);
    assert!(o.status.success(), "{}", text(&o));
    let v = json(&o);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "instrument",
        "version",
        "total",
        "severity",
        "subscales",
        "risk_items",
        "valid",
        "prorated",
        "errors",
    ] {
        assert!(keys.contains(&k), "{k} missing: {v}");
    }
    assert_eq!(v["total"], 16);
    assert_eq!(v["severity"], "moderately_severe");
    assert_eq!(v["risk_items"], serde_json::json!([9]));
    assert_eq!(v["valid"], true);
}

/// The RAS is typed with its signs, and its published total printed beside the engine's.
#[test]
fn the_ras_is_scored_from_signed_answers_and_refuses_a_zero() {
    let dir = Scratch::new();
    let minus_ones = vec!["-1"; 30].join(",");
    let o = ipt(&dir, &["score", "ras", &minus_ones], None);
    assert!(o.status.success(), "{}", text(&o));
    let v = json(&o);
    // −13 from the forward items, +17 from the reversed ones.
    assert_eq!(v["published_total"], 4, "{v}");
    assert_eq!(v["severity"], serde_json::Value::Null);
    let with_zero = format!("0,{}", vec!["+1"; 29].join(","));
    let o = ipt(&dir, &["score", "ras", &with_zero], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("−3 to −1 or +1 to +3"), "{}", text(&o));
    // Elsewhere a sign is still refused.
    let o = ipt(&dir, &["score", "phq9", "-1,0,0,0,0,0,0,0,0"], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn score_refuses_bad_input_with_exit_status_2_naming_the_problem() {
    let dir = Scratch::new();
    let cases: [(&[&str], &str); 3] = [
        (&["score", "bdi", "1,2,3"], "bdi"),
        (&["score", "phq9", "1,2,3"], "9"),
        (&["score", "phq9", "1,2,3,4,0,0,0,0,0"], "4"),
    ];
    for (args, needle) in cases {
        let o = ipt(&dir, args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(needle),
            "{args:?}: {}",
            text(&o)
        );
    }
}

#[test]
fn change_reports_response_remission_and_reliable_change() {
    let dir = Scratch::new();
    let o = ipt(&dir, &["change", "phq9", "18", "4"], None);
    assert!(o.status.success(), "{}", text(&o));
    let v = json(&o);
    assert_eq!(v["response"], true);
    assert_eq!(v["remission"], true);
    assert_eq!(v["reliable_improvement"], true);
    assert_eq!(v["reliable_deterioration"], false);
    assert_eq!(v["reliable_recovery"], true);
    let bad = ipt(&dir, &["change", "phq9", "18", "lots"], None);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
}

/// #14 finding 10: crossing the cut-off without a reliable change is not clinically
/// significant (Jacobson & Truax 1991), and the PHQ-9 score carries its algorithm's finding.
#[test]
fn change_needs_reliable_change_for_clinical_significance_and_score_screens_the_phq9() {
    let dir = Scratch::new();
    let v = json(&ipt(&dir, &["change", "phq9", "10", "9"], None));
    assert_eq!(v["clinically_significant_improvement"], false, "{v}");
    assert_eq!(v["reliable_recovery"], false, "{v}");
    let v = json(&ipt(&dir, &["score", "phq9", "2,0,2,2,2,2,0,0,0"], None));
    assert_eq!(
        v["screening"]["finding"], "major_depressive_syndrome",
        "{v}"
    );
    assert!(
        v["screening"]["statement"]
            .as_str()
            .unwrap()
            .contains("not a diagnosis")
    );
    let v = json(&ipt(&dir, &["score", "epds", "1,1,1,1,1,1,1,1,1,"], None));
    assert_eq!(v["total"], serde_json::Value::Null, "{v}");
    assert_eq!(v["valid"], false);
    assert!(v.get("screening").is_none());
}

#[test]
fn instruments_lists_the_catalogue_and_never_offers_hamd_text_to_patients() {
    let dir = Scratch::new();
    let o = ipt(&dir, &["instruments", "--json"], None);
    assert!(o.status.success(), "{}", text(&o));
    let v = json(&o);
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    for c in [
        "phq9",
        "phq2",
        "gad7",
        "hamd17",
        "gds15",
        "epds",
        "phqa",
        "mspss",
        "ucla3",
        "wsas",
        "session_mood",
        "goal_progress",
    ] {
        assert!(codes.contains(&c), "{c} missing from {codes:?}");
    }
    let table = ipt(&dir, &["instruments"], None);
    assert!(text(&table).contains("phq9"));
}

#[test]
fn text_packs_come_from_the_configured_folder_and_bad_ones_are_named() {
    let dir = Scratch::new();
    std::fs::create_dir_all(dir.0.join("packs")).unwrap();
    std::fs::write(dir.0.join("packs/epds.it.toml"), "this is = not a pack").unwrap();
    std::fs::write(dir.0.join("ipt.toml"), "text_packs = \"packs\"\n").unwrap();
    let o = ipt(&dir, &["instruments"], None);
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("epds.it.toml"), "the bad pack is named: {t}");
    assert!(t.contains("clinician score entry only"), "{t}");
    std::fs::write(dir.0.join("ipt.toml"), "text_packs = \"missing\"\n").unwrap();
    let o = ipt(&dir, &["instruments"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("text-pack folder"), "{}", text(&o));
}

#[test]
fn the_deployment_can_change_risk_thresholds_and_change_rules_and_bad_values_are_refused() {
    let dir = Scratch::new();
    let hamd = "0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0";
    let default = json(&ipt(&dir, &["score", "hamd17", hamd], None));
    assert_eq!(
        default["risk_items"],
        serde_json::json!([]),
        "HAM-D item 3 flags at 2 by default"
    );
    std::fs::write(
        dir.0.join("ipt.toml"),
        "[measures.scoring.risk.hamd17]\nq3 = 1\n\n[measures.change.phq9]\ndirection = \"lower_is_better\"\nresponse_reduction = 0.5\nremission = { at_most = 4 }\nreliable_change = { points = 8 }\ncaseness = { at_least = 10 }\n",
    )
    .unwrap();
    let local = json(&ipt(&dir, &["score", "hamd17", hamd], None));
    assert_eq!(
        local["risk_items"],
        serde_json::json!([3]),
        "the local threshold of 1 applies"
    );
    let change = json(&ipt(&dir, &["change", "phq9", "15", "8"], None));
    assert_eq!(
        change["reliable_improvement"], false,
        "7 points is below the local 8"
    );
    std::fs::write(
        dir.0.join("ipt.toml"),
        "[measures.scoring.risk.hamd17]\nq3 = 9\n",
    )
    .unwrap();
    let bad = ipt(&dir, &["score", "hamd17", hamd], None);
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("risk threshold 9 for hamd17 q3 must be in 1–4"),
        "{}",
        text(&bad)
    );
}
