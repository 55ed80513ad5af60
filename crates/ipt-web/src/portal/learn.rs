//! Learning pages on the portal: short texts we wrote ourselves, at a plain reading level, about
//! depression as a common and treatable illness, the "sick role", what IPT is and its three
//! phases, and each of the four problem areas (reference §1.1 psychoeducation, §2).
//!
//! Each page's text lives in `locales/<lang>/portal_learn.ftl` as a title, a one-line summary
//! and numbered paragraphs; a test keeps every page between 150 and 300 words in every language.
//!
//! The page about IPT speaks of the patient's own course (#14, finding 9): its format, and the
//! number of sessions, their frequency and the last one's date once the contract is agreed;
//! before that, that the number is agreed together, with the format's usual range from the
//! protocol in force. Nobody in a group, brief or maintenance course reads "12 to 16 weekly".

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use ipt_app::usecases::portal::PortalPatient;
use ipt_domain::course::Course;
use ipt_domain::problem_area::AreaKind;
use ipt_domain::protocol::{Format, Protocol};

use super::access::error_page;
use super::diary::not_found;
use super::{PortalCtx, ctx};
use crate::AppState;
use crate::i18n::Tr;

/// The pages, in reading order: (address slug, number of paragraphs).
pub const TOPICS: [(&str, usize); 7] = [
    ("depression", 4),
    ("sick-role", 4),
    ("ipt", 5),
    ("grief", 4),
    ("role-disputes", 4),
    ("role-transitions", 4),
    ("isolation", 4),
];

/// The learning page about a problem area.
pub fn topic_of_area(area: AreaKind) -> &'static str {
    match area {
        AreaKind::Grief => "grief",
        AreaKind::RoleDispute => "role-disputes",
        AreaKind::RoleTransition => "role-transitions",
        AreaKind::InterpersonalDeficits => "isolation",
    }
}

/// (address, title, summary) of a page.
pub struct TopicLink {
    pub href: String,
    pub title: String,
    pub summary: String,
}

fn link(t: &Tr, slug: &str) -> TopicLink {
    TopicLink {
        href: format!("/portal/learn/{slug}"),
        title: t.get(&format!("portal-learn-{slug}-title")),
        summary: t.get(&format!("portal-learn-{slug}-summary")),
    }
}

/// A page's paragraphs.
pub fn paragraphs(t: &Tr, slug: &str, n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| t.get(&format!("portal-learn-{slug}-p{i}")))
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/learn.html")]
pub struct LearnIndex {
    pub page: PortalCtx,
    pub intro: String,
    pub topics: Vec<TopicLink>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/learn_topic.html")]
pub struct LearnTopic {
    pub page: PortalCtx,
    pub summary: String,
    pub paragraphs: Vec<String>,
    pub others: Vec<TopicLink>,
}

/// `GET /portal/learn`.
pub async fn index(Extension(who): Extension<PortalPatient>) -> Response {
    let page = ctx(&who, "portal-learn-title", "/portal/learn");
    let t = page.t;
    LearnIndex {
        intro: t.get("portal-learn-intro"),
        topics: TOPICS.iter().map(|(slug, _)| link(&t, slug)).collect(),
        page,
    }
    .into_response()
}

/// The paragraph of the IPT page about how long therapy lasts, for this patient's course: the
/// agreed contract when there is one, else the format's usual range (to be agreed together);
/// with no course yet, only that the number is agreed together at the start.
pub fn course_length(t: &Tr, course: Option<(&Course, &Protocol)>) -> String {
    let Some((course, protocol)) = course else {
        return t.get("portal-learn-ipt-p2");
    };
    let format = t.get(&format!("portal-learn-format-{}", course.format.code()));
    let phases = t.get(match course.format {
        Format::Maintenance => "portal-learn-ipt-phases-maintenance",
        _ => "portal-learn-ipt-phases",
    });
    let frequency = |f: ipt_domain::protocol::Frequency| t.get(&format!("frequency-{}", f.code()));
    let length = match &course.contract {
        Some(c) => t.with(
            "portal-learn-ipt-agreed",
            &[
                ("sessions", c.sessions.to_string()),
                ("frequency", frequency(c.frequency)),
                ("end", t.date(c.end_date)),
            ],
        ),
        None => {
            let often = frequency(protocol.default_frequency);
            let usual = match protocol.months {
                Some((min, max)) => t.with(
                    "portal-learn-usual-months",
                    &[
                        ("min", min.to_string()),
                        ("max", max.to_string()),
                        ("frequency", often),
                    ],
                ),
                None if protocol.min_sessions == protocol.max_sessions => t.with(
                    "portal-learn-usual-one",
                    &[
                        ("n", protocol.min_sessions.to_string()),
                        ("frequency", often),
                    ],
                ),
                None => t.with(
                    "portal-learn-usual-range",
                    &[
                        ("min", protocol.min_sessions.to_string()),
                        ("max", protocol.max_sessions.to_string()),
                        ("frequency", often),
                    ],
                ),
            };
            t.with("portal-learn-ipt-to-agree", &[("usual", usual)])
        }
    };
    t.with(
        "portal-learn-ipt-p2-course",
        &[("format", format), ("length", length), ("phases", phases)],
    )
}

/// `GET /portal/learn/{topic}`.
pub async fn topic(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Path(slug): Path<String>,
) -> Response {
    let path = format!("/portal/learn/{slug}");
    let Some((slug, n)) = TOPICS.iter().find(|(s, _)| *s == slug) else {
        return not_found(ctx(&who, "portal-learn-title", "/portal/learn"));
    };
    let page = ctx(&who, &format!("portal-learn-{slug}-title"), &path);
    let t = page.t;
    let mut text = paragraphs(&t, slug, *n);
    if *slug == "ipt" {
        let course = match state.app.portal_course(&who).await {
            Ok(c) => c,
            Err(e) => return error_page(page, e),
        };
        let protocol = course.as_ref().map(|c| state.app.protocols.get(c.format));
        text[1] = course_length(&t, course.as_ref().zip(protocol));
    }
    LearnTopic {
        summary: t.get(&format!("portal-learn-{slug}-summary")),
        paragraphs: text,
        others: TOPICS
            .iter()
            .filter(|(s, _)| s != slug)
            .map(|(s, _)| link(&t, s))
            .collect(),
        page,
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// Every page exists in every language, and each is short: 150 to 300 words of text.
    #[test]
    fn every_page_is_written_and_short_in_every_language() {
        for lang in Lang::ALL {
            let t = Tr::new(lang);
            for (slug, n) in TOPICS {
                for key in ["title", "summary"] {
                    let k = format!("portal-learn-{slug}-{key}");
                    assert_ne!(t.get(&k), k, "{k} in {}", lang.code());
                }
                let text = paragraphs(&t, slug, n);
                for (i, p) in text.iter().enumerate() {
                    let k = format!("portal-learn-{slug}-p{}", i + 1);
                    assert_ne!(p, &k, "{k} in {}", lang.code());
                }
                let extra = format!("portal-learn-{slug}-p{}", n + 1);
                assert_eq!(
                    t.get(&extra),
                    extra,
                    "{slug} has more paragraphs than listed"
                );
                let words: usize = text.iter().map(|p| p.split_whitespace().count()).sum();
                assert!(
                    (150..=300).contains(&words),
                    "{slug} in {} has {words} words",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn every_problem_area_has_a_page() {
        for a in AreaKind::ALL {
            assert!(TOPICS.iter().any(|(s, _)| *s == topic_of_area(a)));
        }
    }
}
