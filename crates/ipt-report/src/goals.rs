//! Goal progress: one row per treatment goal, with its latest 0–10 progress rating as a bar on
//! the rating's scale and written as a number. A goal's status is shown by a symbol and by
//! words beside it (✓ achieved, ✕ dropped), and an unrated goal says so instead of showing an
//! empty bar that could be read as "no progress".

use std::fmt::Write;

use ipt_domain::course::GoalStatus;

use crate::svg::{esc, id_safe, num, shorten};

/// The highest progress rating (`Goal::progress` is 0–10).
pub const GOAL_PROGRESS_MAX: u8 = 10;

/// One goal to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalBar {
    /// The goal in the agreed words (shortened in the drawing; full in its tooltip).
    pub label: String,
    /// A few words shown after the label, e.g. "Role dispute · achieved".
    pub detail: String,
    /// The latest rating, 0–10; values above 10 are drawn as 10.
    pub progress: Option<u8>,
    pub status: GoalStatus,
}

/// The words of the drawing, already translated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoalLabels {
    /// A prefix for the element ids, unique on the page.
    pub id: String,
    pub title: String,
    /// A one- or two-sentence summary for assistive technology.
    pub description: String,
    /// Written where a goal has no rating yet, e.g. "not rated yet".
    pub not_rated: String,
    /// Shown when there are no goals.
    pub empty: String,
}

const WIDTH: f64 = 640.0;
const X0: f64 = 10.0;
const BAR_X: f64 = 34.0;
const BAR_W: f64 = 480.0;
const ROW_H: f64 = 52.0;
const TOP: f64 = 8.0;
const TEXT: &str = "#1d2327";
const MUTED: &str = "#5a6570";

fn symbol(status: GoalStatus) -> &'static str {
    match status {
        GoalStatus::Open => "○",
        GoalStatus::Achieved => "✓",
        GoalStatus::Dropped => "✕",
    }
}

/// The goal-progress chart as a standalone `<svg>` element, scaled to its container's width.
pub fn goal_progress(goals: &[GoalBar], labels: &GoalLabels) -> String {
    let id = id_safe(&labels.id);
    let height = if goals.is_empty() {
        90.0
    } else {
        TOP + ROW_H * goals.len() as f64 + 22.0
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart goal-progress\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, sans-serif\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        num(WIDTH),
        num(height),
        esc(&labels.title),
        esc(&labels.description)
    );
    if goals.is_empty() {
        let _ = write!(
            out,
            "<rect x=\"1\" y=\"1\" width=\"{}\" height=\"88\" rx=\"6\" fill=\"#ffffff\" stroke=\"#d5dbe0\"/><text class=\"empty\" x=\"{}\" y=\"50\" text-anchor=\"middle\" font-size=\"13\" fill=\"{MUTED}\">{}</text></svg>",
            num(WIDTH - 2.0),
            num(WIDTH / 2.0),
            esc(&labels.empty)
        );
        return out;
    }
    let max = f64::from(GOAL_PROGRESS_MAX);
    for (i, g) in goals.iter().enumerate() {
        let top = TOP + ROW_H * i as f64;
        let bar_y = top + 22.0;
        let class = format!("goal goal-{}", g.status.code());
        let rating = g
            .progress
            .map(|p| format!("{}/{}", p.min(GOAL_PROGRESS_MAX), GOAL_PROGRESS_MAX))
            .unwrap_or_else(|| labels.not_rated.clone());
        let _ = write!(
            out,
            "<g class=\"{class}\"><title>{} · {} · {}</title>",
            esc(g.label.trim()),
            esc(&g.detail),
            esc(&rating)
        );
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"600\" fill=\"{TEXT}\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{TEXT}\">{}<tspan fill=\"{MUTED}\">\u{a0}· {}</tspan></text>",
            num(X0),
            num(top + 14.0),
            symbol(g.status),
            num(BAR_X),
            num(top + 14.0),
            esc(&shorten(&g.label, 60)),
            esc(&shorten(&g.detail, 40))
        );
        // The track, with a tick at each end and in the middle of the scale.
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"3\" fill=\"#f4f7fa\" stroke=\"#aab6c0\"/>",
            num(BAR_X),
            num(bar_y),
            num(BAR_W)
        );
        for k in [0.0, 0.5, 1.0] {
            let x = BAR_X + BAR_W * k;
            let _ = write!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#aab6c0\" stroke-width=\"1\"/>",
                num(bar_y + 14.0),
                num(bar_y + 18.0),
                x = num(x)
            );
        }
        match g.progress {
            Some(p) => {
                let w = BAR_W * f64::from(p.min(GOAL_PROGRESS_MAX)) / max;
                let (fill, dash) = match g.status {
                    GoalStatus::Dropped => ("#c9d0d6", " stroke-dasharray=\"3 2\""),
                    GoalStatus::Achieved => ("#2e6b3a", ""),
                    GoalStatus::Open => ("#1f5f8b", ""),
                };
                if w > 0.0 {
                    let _ = write!(
                        out,
                        "<rect class=\"progress\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"3\" fill=\"{fill}\" stroke=\"#153f5c\" stroke-width=\"1\"{dash}/>",
                        num(BAR_X),
                        num(bar_y),
                        num(w)
                    );
                }
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" fill=\"{TEXT}\">{}</text>",
                    num(BAR_X + BAR_W + 8.0),
                    num(bar_y + 11.0),
                    esc(&rating)
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"11\" font-style=\"italic\" fill=\"{MUTED}\">{}</text>",
                    num(BAR_X + 6.0),
                    num(bar_y + 11.0),
                    esc(&rating)
                );
            }
        }
        out.push_str("</g>");
    }
    // The scale under the last goal.
    let y = TOP + ROW_H * goals.len() as f64 + 6.0;
    for (k, v) in [
        (0.0, 0),
        (0.5, GOAL_PROGRESS_MAX / 2),
        (1.0, GOAL_PROGRESS_MAX),
    ] {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{MUTED}\">{v}</text>",
            num(BAR_X + BAR_W * k),
            num(y)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> GoalLabels {
        GoalLabels {
            id: "g".into(),
            title: "Goals".into(),
            description: "d".into(),
            not_rated: "not rated yet".into(),
            empty: "No goals yet".into(),
        }
    }

    #[test]
    fn ratings_are_written_and_unrated_goals_say_so() {
        let goals = [
            GoalBar {
                label: "Talk with <partner>".into(),
                detail: "Role dispute · open".into(),
                progress: Some(12),
                status: GoalStatus::Open,
            },
            GoalBar {
                label: "Join a club".into(),
                detail: "Role transition · open".into(),
                progress: None,
                status: GoalStatus::Open,
            },
        ];
        let svg = goal_progress(&goals, &labels());
        assert!(svg.contains("Talk with &lt;partner&gt;"));
        assert!(svg.contains(">10/10</text>"), "above the scale is clamped");
        assert!(svg.contains(">not rated yet</text>"));
        assert_eq!(svg.matches("class=\"progress\"").count(), 1);
    }

    #[test]
    fn no_goals_says_so() {
        let svg = goal_progress(&[], &labels());
        assert!(svg.contains("No goals yet") && svg.ends_with("</svg>"));
    }
}
