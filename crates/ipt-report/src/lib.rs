//! Charts for IPT Workbench, rendered as plain SVG text from plain data.
//!
//! The renderers take already-translated labels, so this crate knows no language, and they are
//! pure and deterministic (the same input gives the same bytes), so their output is covered by
//! snapshot tests. Every chart carries `<title>` and `<desc>` for assistive technology, marks
//! meaning by shape or text as well as colour, and uses presentation attributes rather than
//! inline styles (the pages' Content-Security-Policy forbids inline styles); CSS classes are
//! there for theming.
//!
//! With the default `pdf` feature, the `pdf` module typesets the course summary and the
//! patient's "my plan" with typst, from plain models whose labels are already translated.

mod axis;
mod circle;
mod diary;
mod goals;
mod heatmap;
mod pair;
#[cfg(feature = "pdf")]
pub mod pdf;
mod svg;
mod timeline;
mod trajectory;

pub use circle::{CircleLabels, CirclePerson, closeness_circle};
pub use diary::{DiaryDay, DiaryLabels, diary_mood};
pub use goals::{GOAL_PROGRESS_MAX, GoalBar, GoalLabels, goal_progress};
pub use heatmap::{Heatmap, HeatmapLabels, HeatmapRow, item_heatmap};
pub use pair::{CircleSide, PairLabels, closeness_pair};
#[cfg(feature = "pdf")]
pub use pdf::{CourseSummaryDoc, MyPlanDoc, PdfError, course_summary, my_plan, render_pdf};
pub use timeline::{ChartEpisode, ChartEvent, TimelineLabels, timeline_chart};
pub use trajectory::{
    LifeEvent, PhaseMarker, ScorePoint, SessionMarker, SeverityBand, Trajectory, TrajectoryLabels,
    score_trajectory,
};
