//! Charts for IPT Workbench, rendered as plain SVG text from plain data.
//!
//! The renderers take already-translated labels, so this crate knows no language, and they are
//! pure and deterministic (the same input gives the same bytes), so their output is covered by
//! snapshot tests. Every chart carries `<title>` and `<desc>` for assistive technology, marks
//! meaning by shape or text as well as colour, and uses presentation attributes rather than
//! inline styles (the pages' Content-Security-Policy forbids inline styles); CSS classes are
//! there for theming.

mod circle;
mod svg;
mod timeline;

pub use circle::{CircleLabels, CirclePerson, closeness_circle};
pub use timeline::{ChartEpisode, ChartEvent, TimelineLabels, timeline_chart};
