//! The file a command writes (`--out`): checked before anything else runs, so a typo costs
//! nothing, and the folder it is written in.

use std::path::{Path, PathBuf};

use anyhow::bail;

/// The folder `path` is in: "." for a bare file name.
pub fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuse an `--out` that cannot be written: none given, a folder, or a file in a folder that
/// does not exist. `example` is a file name to suggest (`assessments.csv`).
pub fn check_out(out: &Path, example: &str) -> anyhow::Result<()> {
    if out.as_os_str().is_empty() {
        bail!("give the file to write with --out {example}");
    }
    if out.is_dir() {
        bail!(
            "{} is a folder; give a file name, e.g. --out {}/{example}",
            out.display(),
            out.display()
        );
    }
    let parent = parent_of(out);
    if !parent.is_dir() {
        bail!(
            "the folder {} does not exist; create it first or choose another --out",
            parent.display()
        );
    }
    Ok(())
}
