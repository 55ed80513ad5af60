//! `ipt instruments`, `ipt score` and `ipt change`: the measurement engine on the command line.
//! They need no database.

use ipt_domain::measures::{Catalogue, TextPacks, parse_total};

/// Input the user must fix; the process exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn instruments(json: bool, packs: &TextPacks) -> anyhow::Result<()> {
    let list = Catalogue::builtin().summaries();
    if json {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            #[serde(flatten)]
            summary: &'a ipt_domain::measures::InstrumentSummary,
            text_languages: Vec<String>,
        }
        let rows: Vec<Row> = list
            .iter()
            .map(|s| Row {
                summary: s,
                text_languages: packs.languages_for(&s.code),
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!(
        "{:<14} {:<52} {:<10} {:>5} {:>8}  item text",
        "code", "name", "rater", "items", "range"
    );
    for s in list {
        let rater = serde_json::to_value(s.rater)?
            .as_str()
            .unwrap_or_default()
            .to_string();
        let langs = packs.languages_for(&s.code);
        let text = if langs.is_empty() {
            "none installed: clinician score entry only".to_string()
        } else {
            format!("available in {}", langs.join(", "))
        };
        println!(
            "{:<14} {:<52} {:<10} {:>5} {:>8}  {}",
            s.code,
            s.name,
            rater,
            s.items,
            format!("{}–{}", s.min_total, s.max_total),
            text
        );
    }
    Ok(())
}

pub fn score(code: &str, answers: &str) -> anyhow::Result<()> {
    let result =
        ipt_app::measures::score_text(code, answers).map_err(|e| BadInput(e.to_string()))?;
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}

pub fn change(code: &str, baseline: &str, followup: &str) -> anyhow::Result<()> {
    let instrument = Catalogue::builtin()
        .require(code)
        .map_err(|e| BadInput(e.to_string()))?;
    let b = parse_total("baseline", baseline).map_err(|e| BadInput(e.to_string()))?;
    let f = parse_total("follow-up", followup).map_err(|e| BadInput(e.to_string()))?;
    let change =
        ipt_app::measures::change(instrument, b, f).map_err(|e| BadInput(e.to_string()))?;
    println!("{}", serde_json::to_string(&change)?);
    Ok(())
}
