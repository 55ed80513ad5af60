//! `/courses/{id}/timeline`: the interpersonal timeline (clinical reference §3.4): life events
//! and mood episodes on one chronology, with approximate dates (a year, a month or a day), and
//! a chart of the episodes against the events with the same content as tables.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ipt_app::{AppError, CourseView};
use ipt_domain::ids::{MoodEpisodeId, TimelineEventId};
use ipt_domain::timeline::{
    EpisodeSeverity, EventKind, MoodEpisode, MoodEpisodeInput, TimelineEvent, TimelineEventInput,
};
use ipt_report::{ChartEpisode, ChartEvent, TimelineLabels, timeline_chart};

use super::form::{Errors, FormData, Input, Posted};
use super::inventory::ConfirmPage;
use super::view::{
    Head, REFUSED, STALE, approx_human, load_page, page_ctx, respond, saved, writable, write_access,
};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, fail};

pub fn kind_label(t: &Tr, k: EventKind) -> String {
    t.get(&format!("initial-event-{}", k.code()))
}

fn episode_severity(t: &Tr, s: EpisodeSeverity) -> String {
    t.get(&format!("severity-{}", s.code()))
}

/// An event's form values.
pub struct EventValues {
    date: String,
    kind: String,
    person: String,
    description: String,
}

impl EventValues {
    fn blank() -> Self {
        Self {
            date: String::new(),
            kind: String::new(),
            person: String::new(),
            description: String::new(),
        }
    }

    fn of(e: &TimelineEvent) -> Self {
        Self {
            date: e.date.to_string(),
            kind: e.kind.code().to_string(),
            person: e.person.map(|p| p.to_string()).unwrap_or_default(),
            description: e.description.clone(),
        }
    }

    fn posted(f: &FormData) -> Self {
        Self {
            date: f.get("date").trim().to_string(),
            kind: f.get("kind").trim().to_string(),
            person: f.get("person_id").trim().to_string(),
            description: f.get("description").to_string(),
        }
    }

    /// What was typed, as the core reads it.
    fn input(&self) -> TimelineEventInput {
        TimelineEventInput {
            date: Some(self.date.clone()),
            kind: Some(self.kind.clone()),
            person_id: Some(self.person.clone()),
            description: self.description.clone(),
        }
    }
}

/// A mood episode's form values.
pub struct EpisodeValues {
    onset: String,
    end: String,
    severity: String,
    current: bool,
}

impl EpisodeValues {
    fn blank() -> Self {
        Self {
            onset: String::new(),
            end: String::new(),
            severity: String::new(),
            current: false,
        }
    }

    fn of(e: &MoodEpisode) -> Self {
        Self {
            onset: e.onset.to_string(),
            end: e.end.map(|d| d.to_string()).unwrap_or_default(),
            severity: e.severity.code().to_string(),
            current: e.current,
        }
    }

    fn posted(f: &FormData) -> Self {
        Self {
            onset: f.get("onset").trim().to_string(),
            end: f.get("end").trim().to_string(),
            severity: f.get("severity").trim().to_string(),
            current: f.checked("current"),
        }
    }

    /// What was typed, as the core reads it.
    fn input(&self) -> MoodEpisodeInput {
        MoodEpisodeInput {
            onset: Some(self.onset.clone()),
            end: Some(self.end.clone()),
            severity: Some(self.severity.clone()),
            current: self.current,
        }
    }
}

fn event_fields(
    t: &Tr,
    view: &CourseView,
    v: &EventValues,
    errors: &Errors,
    saved: Option<&EventValues>,
    scope: &str,
) -> Vec<Input> {
    let mut kinds = vec![(String::new(), t.get("initial-choose"))];
    kinds.extend(
        EventKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), kind_label(t, *k))),
    );
    let mut people = vec![(String::new(), t.get("initial-event-no-person"))];
    people.extend(
        view.inventory
            .iter()
            .map(|p| (p.id.to_string(), p.alias.as_str().to_string())),
    );
    vec![
        Input::new("date", t.get("initial-event-date"), "text", &v.date)
            .scoped(scope)
            .hint(t.get("initial-approx-date-hint"))
            .required()
            .error_from(errors)
            .saved_from(saved.map(|s| s.date.as_str()), t),
        Input::new("kind", t.get("initial-event-kind"), "select", &v.kind)
            .scoped(scope)
            .options(kinds)
            .error_from(errors)
            .saved_from(saved.map(|s| s.kind.as_str()), t),
        Input::new(
            "person_id",
            t.get("initial-event-person"),
            "select",
            &v.person,
        )
        .scoped(scope)
        .options(people)
        .hint(t.get("initial-event-person-hint"))
        .error_from(errors)
        .saved_from(saved.map(|s| s.person.as_str()), t),
        Input::new(
            "description",
            t.get("initial-event-description"),
            "textarea",
            &v.description,
        )
        .scoped(scope)
        .error_from(errors)
        .saved_from(saved.map(|s| s.description.as_str()), t),
    ]
}

fn episode_fields(
    t: &Tr,
    v: &EpisodeValues,
    errors: &Errors,
    saved: Option<&EpisodeValues>,
    scope: &str,
) -> Vec<Input> {
    let mut severities = vec![(String::new(), t.get("initial-choose"))];
    severities.extend(
        EpisodeSeverity::ALL
            .iter()
            .map(|s| (s.code().to_string(), episode_severity(t, *s))),
    );
    vec![
        Input::new("onset", t.get("initial-episode-onset"), "text", &v.onset)
            .scoped(scope)
            .hint(t.get("initial-approx-date-hint"))
            .required()
            .error_from(errors)
            .saved_from(saved.map(|s| s.onset.as_str()), t),
        Input::new("end", t.get("initial-episode-end"), "text", &v.end)
            .scoped(scope)
            .hint(t.get("initial-episode-end-hint"))
            .error_from(errors)
            .saved_from(saved.map(|s| s.end.as_str()), t),
        Input::new(
            "severity",
            t.get("initial-episode-severity"),
            "select",
            &v.severity,
        )
        .scoped(scope)
        .options(severities)
        .error_from(errors)
        .saved_from(saved.map(|s| s.severity.as_str()), t),
        Input::new(
            "current",
            t.get("initial-episode-current"),
            "checkbox",
            if v.current { "on" } else { "" },
        )
        .scoped(scope)
        .hint(t.get("initial-episode-current-hint"))
        .saved_from(saved.map(|s| if s.current { "on" } else { "" }), t),
    ]
}

pub struct EventRow {
    pub date: String,
    pub kind: String,
    pub person: String,
    pub description: String,
    pub link: String,
}

pub struct EpisodeRow {
    pub onset: String,
    pub end: String,
    pub severity: String,
    pub current: String,
    pub link: String,
}

/// A form on the timeline page: its fields, errors and message.
pub struct SubForm {
    pub fields: Vec<Input>,
    pub has_errors: bool,
    pub message: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/timeline.html")]
pub struct TimelinePage {
    pub page: PageCtx,
    pub head: Head,
    pub svg: String,
    pub onset: String,
    pub events: Vec<EventRow>,
    pub episodes: Vec<EpisodeRow>,
    pub event_form: SubForm,
    pub episode_form: SubForm,
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/timeline_item.html")]
pub struct ItemPage {
    pub page: PageCtx,
    pub head: Head,
    pub heading: String,
    pub action: String,
    pub delete_action: Option<String>,
    pub fields: Vec<Input>,
    pub version: i64,
    pub has_errors: bool,
    pub message: Option<String>,
}

fn event_words(t: &Tr, view: &CourseView, e: &TimelineEvent) -> String {
    let mut parts = vec![approx_human(t, &e.date), kind_label(t, e.kind)];
    if let Some(p) = e
        .person
        .and_then(|id| view.inventory.iter().find(|p| p.id == id))
    {
        parts.push(p.alias.as_str().to_string());
    }
    let d = e.description.trim();
    if !d.is_empty() {
        parts.push(d.chars().take(60).collect());
    }
    parts.join(" · ")
}

/// The chart of this course's timeline, with translated labels.
pub fn chart_svg(t: &Tr, view: &CourseView, today: time::Date) -> String {
    let tl = &view.timeline;
    let labels = TimelineLabels {
        id: "timeline".into(),
        title: t.get("initial-chart-title"),
        description: t.with(
            "initial-chart-desc",
            &[
                (
                    "episodes",
                    t.count("initial-count-episodes", tl.episodes.len() as i64),
                ),
                (
                    "events",
                    t.count("initial-count-events", tl.events.len() as i64),
                ),
            ],
        ),
        events: t.get("initial-chart-events"),
        episodes: t.get("initial-chart-episodes"),
        severity: EpisodeSeverity::ALL.map(|s| episode_severity(t, s)),
        current: t.get("initial-episode-current-short"),
        ongoing: t.get("initial-episode-ongoing"),
        today: t.get("initial-chart-today"),
        empty: t.get("initial-chart-empty"),
    };
    let episodes: Vec<ChartEpisode> = tl
        .episodes
        .iter()
        .map(|e| ChartEpisode {
            onset: e.onset,
            end: e.end,
            severity: e.severity,
            current: e.current,
            label: t.with(
                "initial-chart-episode",
                &[
                    ("severity", episode_severity(t, e.severity)),
                    ("onset", approx_human(t, &e.onset)),
                    (
                        "end",
                        e.end
                            .map(|d| approx_human(t, &d))
                            .unwrap_or_else(|| t.get("initial-episode-ongoing")),
                    ),
                ],
            ),
        })
        .collect();
    let events: Vec<ChartEvent> = tl
        .events
        .iter()
        .map(|e| ChartEvent {
            date: e.date,
            label: event_words(t, view, e),
        })
        .collect();
    timeline_chart(&episodes, &events, today, &labels)
}

fn timeline_path(id: &str) -> String {
    format!("/courses/{id}/timeline")
}

async fn timeline_page(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    q: &HashMap<String, String>,
    event: Option<Posted<EventValues>>,
    episode: Option<Posted<EpisodeValues>>,
) -> Result<TimelinePage, PageError> {
    let (mut page, view, head) = load_page(state, user, page, id, "timeline", q).await?;
    let t = page.t;
    let c = view.course.id;
    let events = view
        .timeline
        .events_sorted()
        .into_iter()
        .map(|e| EventRow {
            date: approx_human(&t, &e.date),
            kind: kind_label(&t, e.kind),
            person: e
                .person
                .and_then(|id| view.inventory.iter().find(|p| p.id == id))
                .map(|p| p.alias.as_str().to_string())
                .unwrap_or_default(),
            description: e.description.clone(),
            link: format!("/courses/{c}/timeline/events/{}", e.id),
        })
        .collect();
    let mut eps: Vec<&MoodEpisode> = view.timeline.episodes.iter().collect();
    eps.sort_by_key(|e| e.onset);
    let episodes = eps
        .into_iter()
        .map(|e| EpisodeRow {
            onset: approx_human(&t, &e.onset),
            end: e
                .end
                .map(|d| approx_human(&t, &d))
                .unwrap_or_else(|| t.get("initial-episode-ongoing")),
            severity: episode_severity(&t, e.severity),
            current: t.get(if e.current { "yes" } else { "no" }),
            link: format!("/courses/{c}/timeline/episodes/{}", e.id),
        })
        .collect();
    let (ev, ev_err, ev_msg) = match event {
        Some(p) => (p.values, p.errors, p.message),
        None => (EventValues::blank(), Errors::new(), None),
    };
    let (ep, ep_err, ep_msg) = match episode {
        Some(p) => (p.values, p.errors, p.message),
        None => (EpisodeValues::blank(), Errors::new(), None),
    };
    let onset = view
        .timeline
        .current_onset()
        .map(|d| t.with("initial-onset-current", &[("date", approx_human(&t, &d))]))
        .unwrap_or_else(|| t.get("initial-onset-none"));
    page.title = format!("{} · {}", t.get("section-timeline"), head.patient_name);
    Ok(TimelinePage {
        svg: chart_svg(&t, &view, state.app.today()),
        onset,
        events,
        episodes,
        event_form: SubForm {
            fields: event_fields(&t, &view, &ev, &ev_err, None, "new-event"),
            has_errors: !ev_err.is_empty(),
            message: ev_msg,
        },
        episode_form: SubForm {
            fields: episode_fields(&t, &ep, &ep_err, None, "new-episode"),
            has_errors: !ep_err.is_empty(),
            message: ep_msg,
        },
        head,
        page,
    })
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<TimelinePage, PageError> {
    let page = page_ctx(&headers, &user, "section-timeline", &timeline_path(&id));
    timeline_page(&state, &user, page, &id, &q, None, None).await
}

pub async fn add_event(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-timeline", &timeline_path(&id));
    let t = page.t;
    let course = match writable(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let values = EventValues::posted(&FormData(pairs));
    let q = HashMap::new();
    match state
        .app
        .enter_event(&user.actor(), &course, &values.input())
        .await
    {
        Ok(_) => saved(&id, "timeline", "event-added"),
        Err(AppError::Rejected(refused)) => {
            let posted = Posted::rejected(values, &t, &refused, 0);
            respond(
                timeline_page(&state, &user, page, &id, &q, Some(posted), None).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn add_episode(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-timeline", &timeline_path(&id));
    let t = page.t;
    let course = match writable(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let values = EpisodeValues::posted(&FormData(pairs));
    let q = HashMap::new();
    match state
        .app
        .enter_episode(&user.actor(), &course, &values.input())
        .await
    {
        Ok(_) => saved(&id, "timeline", "episode-added"),
        Err(AppError::Rejected(refused)) => {
            let posted = Posted::rejected(values, &t, &refused, 0);
            respond(
                timeline_page(&state, &user, page, &id, &q, None, Some(posted)).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

/// Which record an edit page is about.
enum Item {
    Event(TimelineEventId),
    Episode(MoodEpisodeId),
}

enum ItemPosted {
    Event(Posted<EventValues>),
    Episode(Posted<EpisodeValues>),
}

async fn item_page(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    item: Item,
    posted: Option<ItemPosted>,
) -> Result<ItemPage, PageError> {
    let (mut page, view, head) =
        load_page(state, user, page, id, "timeline", &HashMap::new()).await?;
    let t = page.t;
    let c = view.course.id;
    let (heading, action, delete_action, fields, version, has_errors, message) = match item {
        Item::Event(eid) => {
            let Some(stored) = view.timeline.events.iter().find(|e| e.id == eid) else {
                return Err(fail(page)(AppError::NotFound("timeline event")));
            };
            let saved = EventValues::of(stored);
            let (values, errors, version, stale, message) = match posted {
                Some(ItemPosted::Event(p)) => (
                    p.values,
                    p.errors,
                    p.version.unwrap_or(stored.version),
                    p.stale,
                    p.message,
                ),
                _ => (
                    EventValues::of(stored),
                    Errors::new(),
                    stored.version,
                    false,
                    None,
                ),
            };
            let fields = event_fields(
                &t,
                &view,
                &values,
                &errors,
                stale.then_some(&saved),
                "event",
            );
            (
                t.with(
                    "initial-event-edit",
                    &[("what", event_words(&t, &view, stored))],
                ),
                format!("/courses/{c}/timeline/events/{eid}"),
                head.can_edit
                    .then(|| format!("/courses/{c}/timeline/events/{eid}/delete")),
                fields,
                version,
                !errors.is_empty(),
                message,
            )
        }
        Item::Episode(epid) => {
            let Some(stored) = view.timeline.episodes.iter().find(|e| e.id == epid) else {
                return Err(fail(page)(AppError::NotFound("mood episode")));
            };
            let saved = EpisodeValues::of(stored);
            let (values, errors, version, stale, message) = match posted {
                Some(ItemPosted::Episode(p)) => (
                    p.values,
                    p.errors,
                    p.version.unwrap_or(stored.version),
                    p.stale,
                    p.message,
                ),
                _ => (
                    EpisodeValues::of(stored),
                    Errors::new(),
                    stored.version,
                    false,
                    None,
                ),
            };
            let fields = episode_fields(&t, &values, &errors, stale.then_some(&saved), "episode");
            (
                t.get("initial-episode-edit"),
                format!("/courses/{c}/timeline/episodes/{epid}"),
                None,
                fields,
                version,
                !errors.is_empty(),
                message,
            )
        }
    };
    page.title = format!("{heading} · {}", head.patient_name);
    Ok(ItemPage {
        heading,
        action,
        delete_action,
        fields,
        version,
        has_errors,
        message,
        head,
        page,
    })
}

pub async fn edit_event(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, eid)): Path<(String, String)>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-timeline", &timeline_path(&id));
    let Ok(eid) = eid.parse() else {
        return fail(page)(AppError::NotFound("timeline event")).into_response();
    };
    match item_page(&state, &user, page, &id, Item::Event(eid), None).await {
        Ok(p) => p.into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn edit_episode(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, epid)): Path<(String, String)>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-timeline", &timeline_path(&id));
    let Ok(epid) = epid.parse() else {
        return fail(page)(AppError::NotFound("mood episode")).into_response();
    };
    match item_page(&state, &user, page, &id, Item::Episode(epid), None).await {
        Ok(p) => p.into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn update_event(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, eid)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-timeline", &timeline_path(&id));
    let t = page.t;
    let course = match writable(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let Ok(eid) = eid.parse::<TimelineEventId>() else {
        return fail(page)(AppError::NotFound("timeline event")).into_response();
    };
    let f = FormData(pairs);
    let values = EventValues::posted(&f);
    match state
        .app
        .correct_event(
            &user.actor(),
            &course,
            eid,
            f.version_given(),
            &values.input(),
        )
        .await
    {
        Ok(_) => saved(&id, "timeline", "event-saved"),
        Err(AppError::Conflict { .. }) => {
            let posted = ItemPosted::Event(Posted::stale(values, &t));
            respond(
                item_page(&state, &user, page, &id, Item::Event(eid), Some(posted)).await,
                STALE,
            )
        }
        Err(AppError::NotFound(_)) => {
            // Removed meanwhile: keep the user's text on the timeline page's add form.
            let posted = Posted::message(values, t.get("initial-event-gone"), 0);
            respond(
                timeline_page(
                    &state,
                    &user,
                    page,
                    &id,
                    &HashMap::new(),
                    Some(posted),
                    None,
                )
                .await,
                STALE,
            )
        }
        Err(AppError::Rejected(refused)) => {
            let posted = ItemPosted::Event(Posted::rejected(values, &t, &refused, f.version()));
            respond(
                item_page(&state, &user, page, &id, Item::Event(eid), Some(posted)).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn update_episode(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, epid)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-timeline", &timeline_path(&id));
    let t = page.t;
    let course = match writable(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let Ok(epid) = epid.parse::<MoodEpisodeId>() else {
        return fail(page)(AppError::NotFound("mood episode")).into_response();
    };
    let f = FormData(pairs);
    let values = EpisodeValues::posted(&f);
    match state
        .app
        .correct_episode(
            &user.actor(),
            &course,
            epid,
            f.version_given(),
            &values.input(),
        )
        .await
    {
        Ok(_) => saved(&id, "timeline", "episode-saved"),
        Err(AppError::Conflict { .. }) => {
            let posted = ItemPosted::Episode(Posted::stale(values, &t));
            respond(
                item_page(&state, &user, page, &id, Item::Episode(epid), Some(posted)).await,
                STALE,
            )
        }
        Err(AppError::Rejected(refused)) => {
            let posted = ItemPosted::Episode(Posted::rejected(values, &t, &refused, f.version()));
            respond(
                item_page(&state, &user, page, &id, Item::Episode(epid), Some(posted)).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn delete_event(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, eid)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-timeline", &timeline_path(&id));
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let Ok(eid) = eid.parse::<TimelineEventId>() else {
        return fail(page)(AppError::NotFound("timeline event")).into_response();
    };
    let f = FormData(pairs);
    if f.get("confirm") != "yes" {
        let (page, view, head) =
            match load_page(&state, &user, page, &id, "timeline", &HashMap::new()).await {
                Ok(x) => x,
                Err(e) => return e.into_response(),
            };
        let Some(e) = view.timeline.events.iter().find(|e| e.id == eid) else {
            return fail(page)(AppError::NotFound("timeline event")).into_response();
        };
        let what = event_words(&t, &view, e);
        return ConfirmPage {
            heading: t.get("initial-event-remove-title"),
            message: t.with("initial-event-remove-text", &[("what", what)]),
            action: format!("/courses/{id}/timeline/events/{eid}/delete"),
            version: f.version(),
            cancel: format!("/courses/{id}/timeline/events/{eid}"),
            head,
            page,
        }
        .into_response();
    }
    match state
        .app
        .delete_event(&user.actor(), course.id, eid, f.version())
        .await
    {
        Ok(()) | Err(AppError::NotFound(_)) => saved(&id, "timeline", "event-removed"),
        Err(AppError::Conflict { .. }) => {
            // Show the event as saved now, to decide again.
            match item_page(&state, &user, page, &id, Item::Event(eid), None).await {
                Ok(mut p) => {
                    p.message = Some(t.get("initial-remove-stale"));
                    respond(Ok::<_, PageError>(p), STALE)
                }
                Err(e) => e.into_response(),
            }
        }
        Err(e) => fail(page)(e).into_response(),
    }
}
