//! `/courses/{id}/inventory`: the interpersonal inventory (clinical reference §3.2) and its
//! closeness circle (§3.3). People are listed, added, edited and removed; the circle is drawn
//! on the server from the current inventory, with a table that says the same in text.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ipt_app::AppError;
use ipt_domain::ids::InventoryPersonId;
use ipt_domain::inventory::{
    ClosenessRing, ConflictLevel, InventoryNotes, InventoryPerson, InventoryPersonInput,
    NetworkIndices, Reciprocity, RelationshipKind, SelfExpression,
};
use ipt_domain::problem_area::AreaKind;
use ipt_report::{CircleLabels, CirclePerson, closeness_circle};

use super::form::{Choices, Errors, FormData, Input, Posted};
use super::view::{
    Head, REFUSED, STALE, load_page, page_ctx, respond, saved, writable, write_access,
};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, fail};

/// The free-text notes of an inventory entry, by form name.
const NOTES: [&str; 7] = [
    "shared_activities",
    "satisfying_aspects",
    "unsatisfying_aspects",
    "expectations",
    "communication_style",
    "change_since_depression",
    "wished_changes",
];

pub fn reciprocity_code(r: Reciprocity) -> &'static str {
    match r {
        Reciprocity::Unknown => "unknown",
        Reciprocity::Met => "met",
        Reciprocity::PartlyMet => "partly_met",
        Reciprocity::NotMet => "not_met",
    }
}

const RECIPROCITY: [Reciprocity; 4] = [
    Reciprocity::Unknown,
    Reciprocity::Met,
    Reciprocity::PartlyMet,
    Reciprocity::NotMet,
];

const CONFLICT: [ConflictLevel; 3] = [
    ConflictLevel::None,
    ConflictLevel::Hidden,
    ConflictLevel::Open,
];

pub fn relationship_label(t: &Tr, k: RelationshipKind) -> String {
    t.get(&format!("initial-rel-{}", k.code()))
}

/// The self-expression choices: "not asked" first, then 0 (very hard) to 4 (easy).
fn self_expression_options(t: &Tr) -> Vec<(String, String)> {
    std::iter::once((String::new(), t.get("initial-self-expression-none")))
        .chain(SelfExpression::ALL.iter().map(|n| {
            (
                n.to_string(),
                t.get(&format!("initial-self-expression-{n}")),
            )
        }))
        .collect()
}

/// A rating as a list shows it: "3 (fairly easy)".
pub fn self_expression_label(t: &Tr, r: SelfExpression) -> String {
    t.get(&format!("initial-self-expression-{}", r.value()))
}

pub fn ring_label(t: &Tr, r: ClosenessRing) -> String {
    t.get(&format!("initial-ring-{}", r.number()))
}

/// A person's form values, as typed or as saved.
pub struct PersonValues {
    alias: String,
    relationship: String,
    ring: String,
    contact_frequency: String,
    confidant: bool,
    practical_support: bool,
    conflict: String,
    reciprocity: String,
    deceased: bool,
    area_tags: Vec<String>,
    self_expression: String,
    notes: [String; 7],
}

fn notes_of(n: &InventoryNotes) -> [String; 7] {
    [
        n.shared_activities.clone(),
        n.satisfying_aspects.clone(),
        n.unsatisfying_aspects.clone(),
        n.expectations.clone(),
        n.communication_style.clone(),
        n.change_since_depression.clone(),
        n.wished_changes.clone(),
    ]
}

impl PersonValues {
    fn blank() -> Self {
        Self {
            alias: String::new(),
            relationship: String::new(),
            ring: String::new(),
            contact_frequency: String::new(),
            confidant: false,
            practical_support: false,
            conflict: "none".into(),
            reciprocity: "unknown".into(),
            deceased: false,
            area_tags: vec![],
            self_expression: String::new(),
            notes: Default::default(),
        }
    }

    fn of(p: &InventoryPerson) -> Self {
        Self {
            alias: p.alias.as_str().to_string(),
            relationship: p.relationship.code().to_string(),
            ring: p.ring.number().to_string(),
            contact_frequency: p.contact_frequency.clone(),
            confidant: p.confidant,
            practical_support: p.practical_support,
            conflict: p.conflict.code().to_string(),
            reciprocity: reciprocity_code(p.reciprocity).to_string(),
            deceased: p.deceased,
            area_tags: p.area_tags.iter().map(|a| a.code().to_string()).collect(),
            self_expression: p
                .self_expression
                .map(|r| r.value().to_string())
                .unwrap_or_default(),
            notes: notes_of(&p.notes),
        }
    }

    fn posted(f: &FormData) -> Self {
        Self {
            alias: f.get("alias").to_string(),
            relationship: f.get("relationship").trim().to_string(),
            ring: f.get("ring").trim().to_string(),
            contact_frequency: f.get("contact_frequency").to_string(),
            confidant: f.checked("confidant"),
            practical_support: f.checked("practical_support"),
            conflict: f.get("conflict").trim().to_string(),
            reciprocity: f.get("reciprocity").trim().to_string(),
            deceased: f.checked("deceased"),
            area_tags: f.all("area_tags").into_iter().map(str::to_string).collect(),
            self_expression: f.get("self_expression").trim().to_string(),
            notes: NOTES.map(|n| f.get(n).to_string()),
        }
    }

    /// What was typed, as the core reads it.
    fn input(&self) -> InventoryPersonInput {
        let n = |i: usize| self.notes[i].clone();
        InventoryPersonInput {
            alias: self.alias.clone(),
            relationship: Some(self.relationship.clone()),
            ring: Some(self.ring.clone()),
            contact_frequency: self.contact_frequency.clone(),
            confidant: self.confidant,
            practical_support: self.practical_support,
            conflict: Some(self.conflict.clone()),
            reciprocity: Some(self.reciprocity.clone()),
            deceased: self.deceased,
            area_tags: self.area_tags.clone(),
            self_expression: Some(self.self_expression.clone()),
            notes: InventoryNotes {
                shared_activities: n(0),
                satisfying_aspects: n(1),
                unsatisfying_aspects: n(2),
                expectations: n(3),
                communication_style: n(4),
                change_since_depression: n(5),
                wished_changes: n(6),
            },
        }
    }
}

/// The fields of the person form that show their own refusal, besides its notes.
const PERSON_SLOTS: &[&str] = &[
    "alias",
    "relationship",
    "ring",
    "contact_frequency",
    "conflict",
    "reciprocity",
    "self_expression",
    "area_tags",
];

/// The person form again after the core refused it: each refusal beside its field, any other
/// above the form.
fn refused_person(
    t: &Tr,
    values: PersonValues,
    refused: &[ipt_domain::rule::FieldError],
    version: i64,
) -> Posted<PersonValues> {
    let slots = [PERSON_SLOTS, &NOTES[..]].concat();
    let (errors, rest) = crate::refusals::place(t, refused, &slots);
    let mut posted = Posted::invalid(values, errors, version);
    if !rest.is_empty() {
        posted.message = Some(rest.join(" "));
    }
    posted
}

/// One row of the inventory table (which is also the circle's text alternative).
pub struct PersonRow {
    pub alias: String,
    pub relationship: String,
    pub ring: String,
    pub confidant: String,
    pub conflict: String,
    pub deceased: String,
    pub contact: String,
    pub self_expression: String,
    pub link: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/inventory.html")]
pub struct InventoryPage {
    pub page: PageCtx,
    pub head: Head,
    pub svg: String,
    pub summary: String,
    pub rows: Vec<PersonRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/person.html")]
pub struct PersonPage {
    pub page: PageCtx,
    pub head: Head,
    pub heading: String,
    pub action: String,
    pub delete_action: Option<String>,
    pub who: Vec<Input>,
    pub support: Vec<Input>,
    pub tags: Choices,
    pub notes: Vec<Input>,
    pub version: i64,
    pub has_errors: bool,
    pub message: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/confirm.html")]
pub struct ConfirmPage {
    pub page: PageCtx,
    pub head: Head,
    pub heading: String,
    pub message: String,
    pub action: String,
    pub version: i64,
    pub cancel: String,
}

/// A closeness circle drawn with this page's translated labels. Public so that other pages
/// (the start-versus-end comparison at termination) draw circles that read the same; `id`
/// keeps element ids unique when a page shows more than one circle.
pub fn circle(t: &Tr, people: &[CirclePerson], id: &str) -> String {
    let count = |r: ClosenessRing| people.iter().filter(|p| p.ring == r).count().to_string();
    let labels = CircleLabels {
        id: id.to_string(),
        title: t.get("initial-circle-title"),
        description: t.with(
            "initial-circle-desc",
            &[
                (
                    "people",
                    t.count("initial-count-people", people.len() as i64),
                ),
                ("inner", count(ClosenessRing::Inner)),
                ("middle", count(ClosenessRing::Middle)),
                ("outer", count(ClosenessRing::Outer)),
                ("outside", count(ClosenessRing::Outside)),
            ],
        ),
        centre: t.get("initial-circle-centre"),
        rings: [1, 2, 3].map(|n| t.get(&format!("initial-ring-{n}"))),
        outside: t.get("initial-ring-0"),
        confidant: t.get("initial-mark-confidant"),
        conflict: t.get("initial-mark-conflict"),
        deceased: t.get("initial-mark-deceased"),
        empty: t.get("initial-circle-empty"),
    };
    closeness_circle(people, &labels)
}

/// The closeness circle of the current inventory.
fn circle_svg(t: &Tr, people: &[InventoryPerson], id: &str) -> String {
    let drawn: Vec<CirclePerson> = people.iter().map(CirclePerson::of_person).collect();
    circle(t, &drawn, id)
}

fn yes_no(t: &Tr, b: bool) -> String {
    t.get(if b { "yes" } else { "no" })
}

fn inventory_path(id: &str) -> String {
    format!("/courses/{id}/inventory")
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<InventoryPage, PageError> {
    let page = page_ctx(&headers, &user, "section-inventory", &inventory_path(&id));
    let (mut page, view, head) = load_page(&state, &user, page, &id, "inventory", &q).await?;
    let t = page.t;
    let people = &view.inventory;
    let net = NetworkIndices::of_people(people);
    let rows = people
        .iter()
        .map(|p| PersonRow {
            alias: p.alias.as_str().to_string(),
            relationship: relationship_label(&t, p.relationship),
            ring: ring_label(&t, p.ring),
            confidant: yes_no(&t, p.confidant),
            conflict: t.get(&format!("initial-conflict-level-{}", p.conflict.code())),
            deceased: yes_no(&t, p.deceased),
            contact: p.contact_frequency.clone(),
            self_expression: p
                .self_expression
                .map(|r| self_expression_label(&t, r))
                .unwrap_or_else(|| "—".into()),
            link: format!("/courses/{}/inventory/{}", view.course.id, p.id),
        })
        .collect();
    page.title = format!("{} · {}", t.get("section-inventory"), head.patient_name);
    Ok(InventoryPage {
        svg: circle_svg(&t, people, "circle"),
        summary: t.with(
            "initial-network-summary",
            &[
                ("n", net.in_circle.to_string()),
                ("inner", net.inner_ring.to_string()),
                ("confidant", yes_no(&t, net.confidant_present)),
            ],
        ),
        rows,
        head,
        page,
    })
}

fn options<T: Copy>(t: &Tr, all: &[T], code: fn(T) -> String, key: &str) -> Vec<(String, String)> {
    all.iter()
        .map(|x| {
            let c = code(*x);
            (c.clone(), t.get(&format!("{key}-{c}")))
        })
        .collect()
}

/// The person form: for a new person (`person` None) or an existing one.
async fn person_page(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    person: Option<InventoryPersonId>,
    posted: Option<Posted<PersonValues>>,
) -> Result<PersonPage, PageError> {
    let (mut page, view, head) =
        load_page(state, user, page, id, "inventory", &HashMap::new()).await?;
    let t = page.t;
    let stored = match person {
        Some(pid) => match view.inventory.iter().find(|p| p.id == pid) {
            Some(p) => Some(p.clone()),
            None => return Err(fail(page)(AppError::NotFound("inventory person"))),
        },
        None => None,
    };
    let saved = stored.as_ref().map(PersonValues::of);
    let (values, errors, version, stale, message) = match posted {
        Some(p) => {
            let v = p
                .version
                .unwrap_or_else(|| stored.as_ref().map(|s| s.version).unwrap_or(0));
            (p.values, p.errors, v, p.stale, p.message)
        }
        None => (
            stored
                .as_ref()
                .map(PersonValues::of)
                .unwrap_or_else(PersonValues::blank),
            Errors::new(),
            stored.as_ref().map(|s| s.version).unwrap_or(0),
            false,
            None,
        ),
    };
    let sv = if stale { saved.as_ref() } else { None };
    let flag = |b: bool| if b { "on" } else { "" };
    let mut relationships = vec![(String::new(), t.get("initial-choose"))];
    relationships.extend(options(
        &t,
        &RelationshipKind::ALL,
        |k| k.code().to_string(),
        "initial-rel",
    ));
    let mut rings = vec![(String::new(), t.get("initial-choose"))];
    rings.extend(
        [1u8, 2, 3, 0]
            .iter()
            .map(|n| (n.to_string(), t.get(&format!("initial-ring-{n}")))),
    );
    let who = vec![
        Input::new(
            "alias",
            t.get("initial-person-alias"),
            "text",
            &values.alias,
        )
        .hint(t.get("initial-person-alias-hint"))
        .required()
        .error_from(&errors)
        .saved_from(sv.map(|s| s.alias.as_str()), &t),
        Input::new(
            "relationship",
            t.get("initial-person-relationship"),
            "select",
            &values.relationship,
        )
        .options(relationships)
        .error_from(&errors)
        .saved_from(sv.map(|s| s.relationship.as_str()), &t),
        Input::new("ring", t.get("initial-person-ring"), "select", &values.ring)
            .options(rings)
            .hint(t.get("initial-person-ring-hint"))
            .error_from(&errors)
            .saved_from(sv.map(|s| s.ring.as_str()), &t),
        Input::new(
            "contact_frequency",
            t.get("initial-person-contact"),
            "text",
            &values.contact_frequency,
        )
        .hint(t.get("initial-person-contact-hint"))
        .error_from(&errors)
        .saved_from(sv.map(|s| s.contact_frequency.as_str()), &t),
    ];
    let support = vec![
        Input::new(
            "confidant",
            t.get("initial-person-confidant"),
            "checkbox",
            flag(values.confidant),
        )
        .saved_from(sv.map(|s| flag(s.confidant)), &t),
        Input::new(
            "practical_support",
            t.get("initial-person-practical"),
            "checkbox",
            flag(values.practical_support),
        )
        .saved_from(sv.map(|s| flag(s.practical_support)), &t),
        Input::new(
            "conflict",
            t.get("initial-person-conflict"),
            "select",
            &values.conflict,
        )
        .options(options(
            &t,
            &CONFLICT,
            |c| c.code().to_string(),
            "initial-conflict-level",
        ))
        .error_from(&errors)
        .saved_from(sv.map(|s| s.conflict.as_str()), &t),
        Input::new(
            "reciprocity",
            t.get("initial-person-reciprocity"),
            "select",
            &values.reciprocity,
        )
        .options(options(
            &t,
            &RECIPROCITY,
            |r| reciprocity_code(r).to_string(),
            "initial-reciprocity",
        ))
        .hint(t.get("initial-person-reciprocity-hint"))
        .error_from(&errors)
        .saved_from(sv.map(|s| s.reciprocity.as_str()), &t),
        Input::new(
            "self_expression",
            t.get("initial-person-self-expression"),
            "select",
            &values.self_expression,
        )
        .options(self_expression_options(&t))
        .hint(t.get("initial-person-self-expression-hint"))
        .error_from(&errors)
        .saved_from(sv.map(|s| s.self_expression.as_str()), &t),
        Input::new(
            "deceased",
            t.get("initial-person-deceased"),
            "checkbox",
            flag(values.deceased),
        )
        .hint(t.get("initial-person-deceased-hint"))
        .saved_from(sv.map(|s| flag(s.deceased)), &t),
    ];
    let tags = Choices::new(
        "area_tags",
        "checkbox",
        t.get("initial-person-tags"),
        AreaKind::ALL
            .iter()
            .map(|a| {
                (
                    a.code().to_string(),
                    t.get(&format!("area-{}", a.code())),
                    None,
                )
            })
            .collect(),
        &values.area_tags,
    )
    .hint(t.get("initial-person-tags-hint"))
    .error_from(&errors)
    .saved_from(sv.map(|s| s.area_tags.as_slice()), &t);
    let notes = NOTES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            Input::new(
                name,
                t.get(&format!("initial-note-{name}")),
                "textarea",
                &values.notes[i],
            )
            .hint(t.get(&format!("initial-note-{name}-hint")))
            .error_from(&errors)
            .saved_from(sv.map(|s| s.notes[i].as_str()), &t)
        })
        .collect();
    let (heading, action, delete_action) = match &stored {
        Some(p) => (
            t.with(
                "initial-person-edit",
                &[("alias", p.alias.as_str().to_string())],
            ),
            format!("/courses/{}/inventory/{}", head.course_id, p.id),
            head.can_edit
                .then(|| format!("/courses/{}/inventory/{}/delete", head.course_id, p.id)),
        ),
        None => (
            t.get("initial-person-new"),
            format!("/courses/{}/inventory", head.course_id),
            None,
        ),
    };
    page.title = format!("{heading} · {}", head.patient_name);
    Ok(PersonPage {
        heading,
        action,
        delete_action,
        who,
        support,
        tags,
        notes,
        version,
        has_errors: !errors.is_empty(),
        message,
        head,
        page,
    })
}

fn parse_person_id(pid: &str) -> Result<InventoryPersonId, AppError> {
    pid.parse()
        .map_err(|_| AppError::NotFound("inventory person"))
}

pub async fn new_form(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<PersonPage, PageError> {
    let page = page_ctx(&headers, &user, "initial-person-new", &inventory_path(&id));
    person_page(&state, &user, page, &id, None, None).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, pid)): Path<(String, String)>,
) -> Result<PersonPage, PageError> {
    let page = page_ctx(&headers, &user, "section-inventory", &inventory_path(&id));
    let pid = match parse_person_id(&pid) {
        Ok(p) => p,
        Err(e) => return Err(fail(page)(e)),
    };
    person_page(&state, &user, page, &id, Some(pid), None).await
}

pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "initial-person-new", &inventory_path(&id));
    let t = page.t;
    let course = match writable(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let values = PersonValues::posted(&FormData(pairs));
    match state
        .app
        .enter_person(&user.actor(), &course, &values.input())
        .await
    {
        Ok(_) => saved(&id, "inventory", "person-added"),
        Err(AppError::Rejected(refused)) => {
            let posted = refused_person(&t, values, &refused, 0);
            respond(
                person_page(&state, &user, page, &id, None, Some(posted)).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, pid)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-inventory", &inventory_path(&id));
    let t = page.t;
    let course = match writable(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let pid = match parse_person_id(&pid) {
        Ok(p) => p,
        Err(e) => return fail(page)(e).into_response(),
    };
    let f = FormData(pairs);
    let values = PersonValues::posted(&f);
    let version = f.version_given();
    match state
        .app
        .correct_person(&user.actor(), &course, pid, version, &values.input())
        .await
    {
        Ok(_) => saved(&id, "inventory", "person-saved"),
        Err(AppError::Rejected(refused)) => {
            let posted = refused_person(&t, values, &refused, f.version());
            respond(
                person_page(&state, &user, page, &id, Some(pid), Some(posted)).await,
                REFUSED,
            )
        }
        Err(AppError::Conflict { .. }) => {
            let posted = Posted::stale(values, &t);
            respond(
                person_page(&state, &user, page, &id, Some(pid), Some(posted)).await,
                STALE,
            )
        }
        Err(AppError::NotFound(_)) => {
            // Removed by someone else meanwhile: offer to add what was typed as a new person.
            let posted = Posted::message(values, t.get("initial-person-gone"), 0);
            respond(
                person_page(&state, &user, page, &id, None, Some(posted)).await,
                STALE,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, pid)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-inventory", &inventory_path(&id));
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let pid = match parse_person_id(&pid) {
        Ok(p) => p,
        Err(e) => return fail(page)(e).into_response(),
    };
    let f = FormData(pairs);
    if f.get("confirm") != "yes" {
        let (page, view, head) =
            match load_page(&state, &user, page, &id, "inventory", &HashMap::new()).await {
                Ok(x) => x,
                Err(e) => return e.into_response(),
            };
        let Some(p) = view.inventory.iter().find(|p| p.id == pid) else {
            return fail(page)(AppError::NotFound("inventory person")).into_response();
        };
        let alias = p.alias.as_str().to_string();
        return ConfirmPage {
            heading: t.with("initial-person-remove-title", &[("alias", alias.clone())]),
            message: t.with("initial-person-remove-text", &[("alias", alias)]),
            action: format!("/courses/{id}/inventory/{pid}/delete"),
            version: f.version(),
            cancel: format!("/courses/{id}/inventory/{pid}"),
            head,
            page,
        }
        .into_response();
    }
    match state
        .app
        .delete_person(&user.actor(), course.id, pid, f.version())
        .await
    {
        Ok(()) => saved(&id, "inventory", "person-removed"),
        Err(AppError::Conflict { .. }) => {
            // Changed since the user looked: show the person as saved now, to decide again.
            let posted = match state.app.course_view(&user.actor(), course.id).await {
                Ok(v) => v.inventory.iter().find(|p| p.id == pid).map(|p| {
                    Posted::message(
                        PersonValues::of(p),
                        t.get("initial-remove-stale"),
                        p.version,
                    )
                }),
                Err(e) => return fail(page)(e).into_response(),
            };
            respond(
                person_page(&state, &user, page, &id, Some(pid), posted).await,
                STALE,
            )
        }
        Err(AppError::NotFound(_)) => saved(&id, "inventory", "person-removed"),
        Err(e) => fail(page)(e).into_response(),
    }
}
