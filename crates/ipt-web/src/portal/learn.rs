//! Learning pages on the portal: short texts we wrote ourselves, at a plain reading level, about
//! depression as a common and treatable illness, the "sick role", what IPT is and its three
//! phases, and each of the four problem areas (reference §1.1 psychoeducation, §2).
//!
//! Each page's text lives in `locales/<lang>/portal_learn.ftl` as a title, a one-line summary
//! and numbered paragraphs; a test keeps every page between 150 and 300 words in every language.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use ipt_app::usecases::portal::PortalPatient;
use ipt_domain::problem_area::AreaKind;

use super::diary::not_found;
use super::{PortalCtx, ctx};
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

/// `GET /portal/learn/{topic}`.
pub async fn topic(Extension(who): Extension<PortalPatient>, Path(slug): Path<String>) -> Response {
    let path = format!("/portal/learn/{slug}");
    let Some((slug, n)) = TOPICS.iter().find(|(s, _)| *s == slug) else {
        return not_found(ctx(&who, "portal-learn-title", "/portal/learn"));
    };
    let page = ctx(&who, &format!("portal-learn-{slug}-title"), &path);
    let t = page.t;
    LearnTopic {
        summary: t.get(&format!("portal-learn-{slug}-summary")),
        paragraphs: paragraphs(&t, slug, *n),
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
