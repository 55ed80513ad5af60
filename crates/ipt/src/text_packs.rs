//! Reading the site's text-pack folder (format: docs/text-packs.md). A pack that does not fit
//! its instrument is reported and skipped; the others still load.

use std::path::Path;

use anyhow::{Context, bail};
use ipt_domain::measures::TextPacks;

/// Shipped text plus every `*.toml` pack in `folder`; also the problems found, one line each.
pub fn load(folder: Option<&Path>) -> anyhow::Result<(TextPacks, Vec<String>)> {
    let Some(folder) = folder else {
        return Ok((TextPacks::shipped_only(), vec![]));
    };
    if !folder.is_dir() {
        bail!(
            "the text-pack folder {} does not exist (setting text_packs / IPT_TEXT_PACKS)",
            folder.display()
        );
    }
    let mut files = vec![];
    for entry in std::fs::read_dir(folder)
        .with_context(|| format!("cannot read the text-pack folder {}", folder.display()))?
    {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let contents = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the text pack {}", path.display()))?;
        files.push((name, contents));
    }
    files.sort();
    let (packs, errors) = TextPacks::from_files(files);
    Ok((packs, errors.into_iter().map(|e| e.to_string()).collect()))
}
