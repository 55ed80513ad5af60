//! Snapshot tests: each chart, rendered from a fixed example, must match the committed SVG in
//! `tests/snapshots/`. After an intended change, regenerate with
//! `UPDATE_SNAPSHOTS=1 cargo test -p ipt-report` and review the new files.

mod charts;
#[cfg(feature = "pdf")]
mod pdf;
mod snapshots;
