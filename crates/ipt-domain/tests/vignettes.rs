//! Case vignettes for the problem-area suggestion rules. Each is a short, fictional clinical
//! story built from the inventory and timeline, with what the rules should suggest. They check
//! the top area, the reason sentences a clinician would read, and the ranking.

use ipt_domain::approx_date::ApproxDate;
use ipt_domain::ids::{InventoryPersonId, MoodEpisodeId, TimelineEventId};
use ipt_domain::inventory::{
    Alias, ClosenessRing, ConflictLevel, InventoryNotes, InventoryPerson, Reciprocity,
    RelationshipKind,
};
use ipt_domain::problem_area::{AreaKind, DisputeStage};
use ipt_domain::suggestion::{NoteKind, Strength, Suggestions, suggest};
use ipt_domain::timeline::{EpisodeSeverity, EventKind, MoodEpisode, Timeline, TimelineEvent};
use uuid::Uuid;

use AreaKind::{Grief, InterpersonalDeficits as Deficits, RoleDispute, RoleTransition};
use ClosenessRing::{Inner, Middle, Outer};
use RelationshipKind as Rel;

// ---- small constructors ---------------------------------------------------------------------

fn date(s: &str) -> ApproxDate {
    s.parse().unwrap()
}

/// A person with no conflict, not a confidant, alive. Ids are derived from `n`.
fn person(n: u128, alias: &str, relationship: Rel, ring: ClosenessRing) -> InventoryPerson {
    InventoryPerson {
        id: InventoryPersonId::from_uuid(Uuid::from_u128(n)),
        alias: Alias::parse(alias).unwrap(),
        relationship,
        ring,
        contact_frequency: String::new(),
        confidant: false,
        practical_support: false,
        conflict: ConflictLevel::None,
        reciprocity: Reciprocity::Unknown,
        deceased: false,
        area_tags: vec![],
        self_expression: None,
        notes: InventoryNotes::default(),
        version: 1,
    }
}

fn confidant(mut p: InventoryPerson) -> InventoryPerson {
    p.confidant = true;
    p
}

fn deceased(mut p: InventoryPerson) -> InventoryPerson {
    p.deceased = true;
    p
}

fn in_conflict(
    mut p: InventoryPerson,
    level: ConflictLevel,
    reciprocity: Reciprocity,
) -> InventoryPerson {
    p.conflict = level;
    p.reciprocity = reciprocity;
    p
}

fn tagged(mut p: InventoryPerson, areas: &[AreaKind]) -> InventoryPerson {
    p.area_tags = areas.to_vec();
    p
}

/// Three living people, one a confidant in the inner ring: a network that is not thin.
fn supportive_network() -> Vec<InventoryPerson> {
    vec![
        confidant(person(901, "Elena", Rel::Friend, Inner)),
        person(902, "Bruno", Rel::Sibling, Middle),
        person(903, "Irene", Rel::Friend, Outer),
    ]
}

fn with_network(mut people: Vec<InventoryPerson>) -> Vec<InventoryPerson> {
    people.extend(supportive_network());
    people
}

fn event(
    n: u128,
    when: &str,
    kind: EventKind,
    about: Option<&InventoryPerson>,
    description: &str,
) -> TimelineEvent {
    TimelineEvent {
        id: TimelineEventId::from_uuid(Uuid::from_u128(10_000 + n)),
        date: date(when),
        kind,
        person: about.map(|p| p.id),
        description: description.to_string(),
        version: 1,
    }
}

fn episode(n: u128, onset: &str, end: Option<&str>, current: bool) -> MoodEpisode {
    MoodEpisode {
        id: MoodEpisodeId::from_uuid(Uuid::from_u128(20_000 + n)),
        onset: date(onset),
        end: end.map(date),
        severity: EpisodeSeverity::Moderate,
        current,
        version: 1,
    }
}

/// A timeline whose current episode began at `onset`.
fn timeline(onset: &str, events: Vec<TimelineEvent>) -> Timeline {
    Timeline {
        events,
        episodes: vec![episode(1, onset, None, true)],
    }
}

fn assert_cites(s: &Suggestions, area: AreaKind, fragment: &str) {
    let sug = s
        .get(area)
        .unwrap_or_else(|| panic!("{area:?} not suggested: {s:#?}"));
    assert!(
        sug.cites(fragment),
        "{area:?} does not cite {fragment:?}; its reasons: {:#?}",
        sug.reason_texts().collect::<Vec<_>>()
    );
}

// ---- vignettes ------------------------------------------------------------------------------

/// Ms A., 54: her mother died in March; low mood, poor sleep and withdrawal since May.
#[test]
fn recent_death_of_a_mother_suggests_grief_strongly() {
    let mother = deceased(person(1, "Mother", Rel::Parent, Inner));
    let people = with_network(vec![mother.clone()]);
    let t = timeline(
        "2026-05",
        vec![event(1, "2026-03", EventKind::Death, Some(&mother), "")],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(
        s.onset,
        Some(date("2026-05")),
        "onset comes from the timeline"
    );
    assert_eq!(s.areas(), vec![Grief]);
    let top = s.top().unwrap();
    assert_eq!(top.strength, Strength::Strong);
    assert_eq!(
        top.reason_texts().next(),
        Some(
            "Death of 'Mother' (March 2026), 2 months before onset → Grief (parent, inner ring: \
             a significant other)"
        )
    );
    assert_eq!(
        top.score, 70,
        "a significant other keeps the full weight of a near death"
    );
    assert_eq!(
        top.reasons[0].closeness,
        Some(ipt_domain::suggestion::LossCloseness::Significant)
    );
    let reason = &top.reasons[0];
    assert_eq!(reason.event, Some(t.events[0].id));
    assert_eq!(reason.person, Some(mother.id));
    assert!(!s.is_ambiguous());
    assert!(s.notes.is_empty());
}

/// Mr B., 61: his father died in 2015. He has been depressed since April, with no recent
/// events; his friends and sister are close. The old death should not read as strong grief.
#[test]
fn a_death_years_before_onset_is_not_strong_grief() {
    let father = deceased(person(1, "Father", Rel::Parent, Middle));
    let people = with_network(vec![father.clone()]);
    let t = timeline(
        "2026-04",
        vec![event(1, "2015", EventKind::Death, Some(&father), "")],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![Deficits, Grief]);
    let grief = s.get(Grief).unwrap();
    assert_eq!(grief.strength, Strength::Weak);
    assert_cites(
        &s,
        Grief,
        "Death of 'Father' (2015), about 11 years before onset → Grief",
    );
    assert_cites(
        &s,
        Grief,
        "prolonged or complicated grief is still possible",
    );
    assert_cites(
        &s,
        Deficits,
        "No life event recorded in the 12 months before onset (April 2026)",
    );
    assert!(!s.is_ambiguous());
}

/// Mrs C., 38: repeated rows with her husband Marco over money and housework; a big argument
/// in February, depressed since April. He does not do what she expects of him.
#[test]
fn open_conflict_with_a_partner_suggests_a_dispute_at_renegotiation() {
    let marco = in_conflict(
        person(1, "Marco", Rel::Partner, Inner),
        ConflictLevel::Open,
        Reciprocity::NotMet,
    );
    let people = with_network(vec![marco.clone()]);
    let t = timeline(
        "2026-04",
        vec![event(
            1,
            "2026-02",
            EventKind::Conflict,
            Some(&marco),
            "argument about money",
        )],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![RoleDispute]);
    assert_eq!(s.top().unwrap().strength, Strength::Strong);
    assert_cites(
        &s,
        RoleDispute,
        "Conflict with 'Marco' (February 2026), 2 months before onset → Role dispute",
    );
    assert_cites(
        &s,
        RoleDispute,
        "Open conflict with 'Marco' (partner, inner ring) → Role dispute",
    );
    assert_cites(
        &s,
        RoleDispute,
        "Expectations between the patient and 'Marco' are not met",
    );
    let hint = s.stage_hint().expect("a stage hint");
    assert_eq!(hint.stage, DisputeStage::Renegotiation);
    assert_eq!(hint.person, marco.id);
    assert!(hint.text.contains("A hint only"));
}

/// Mr D., 67: he and his daughter Giulia stopped talking after a row over the inheritance in
/// November; he is resentful but says nothing. Depressed since February.
#[test]
fn hidden_conflict_after_a_silence_hints_at_impasse() {
    let giulia = in_conflict(
        person(1, "Giulia", Rel::Child, Inner),
        ConflictLevel::Hidden,
        Reciprocity::NotMet,
    );
    let people = with_network(vec![giulia.clone()]);
    let t = timeline(
        "2026-02",
        vec![event(
            1,
            "2025-11",
            EventKind::Conflict,
            Some(&giulia),
            "stopped talking after the inheritance row",
        )],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.top().unwrap().area, RoleDispute);
    assert_cites(
        &s,
        RoleDispute,
        "Hidden conflict with 'Giulia' (child, inner ring) → Role dispute",
    );
    assert_cites(
        &s,
        RoleDispute,
        "Conflict with 'Giulia' (November 2025), 3 months before onset",
    );
    let hint = s.stage_hint().unwrap();
    assert_eq!(hint.stage, DisputeStage::Impasse);
    assert!(hint.text.contains("talking has stopped"));
}

/// Ms E., 45: laid off from the print shop in January after twenty years; depressed since
/// March. Good friends, a close brother.
#[test]
fn a_job_loss_near_onset_suggests_a_role_transition() {
    let people = supportive_network();
    let t = timeline(
        "2026-03",
        vec![event(
            1,
            "2026-01",
            EventKind::JobChange,
            None,
            "laid off from the print shop",
        )],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![RoleTransition]);
    assert_eq!(s.top().unwrap().strength, Strength::Strong);
    assert_cites(
        &s,
        RoleTransition,
        "Job change: laid off from the print shop (January 2026), 2 months before onset → Role transition",
    );
    assert!(
        s.get(Deficits).is_none(),
        "an event near onset and a full network leave deficits out"
    );
}

/// Ms F., 31: her first child, Leo, was born on 10 January, a wanted pregnancy; low mood,
/// guilt and exhaustion since March. Even a welcome change can be felt as a loss.
#[test]
fn a_birth_is_a_transition_even_when_welcome() {
    let leo = person(1, "Leo", Rel::Child, Inner);
    let people = with_network(vec![leo.clone()]);
    let t = timeline(
        "2026-03",
        vec![event(
            1,
            "2026-01-10",
            EventKind::BirthOrPregnancy,
            Some(&leo),
            "",
        )],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.top().unwrap().area, RoleTransition);
    assert_cites(
        &s,
        RoleTransition,
        "Birth or pregnancy ('Leo') (10 January 2026), 2 months before onset → Role transition",
    );
}

/// Mr G., 42: has always found it hard to make or keep friends; lives alone, speaks mostly to
/// a neighbour. Moved to the city in 2019. Low mood for years, worse since last autumn.
#[test]
fn few_thin_relationships_and_no_recent_event_suggest_deficits() {
    let people = vec![person(1, "Mrs Bianchi", Rel::Neighbour, Outer)];
    let t = timeline(
        "2025-10",
        vec![event(1, "2019", EventKind::Move, None, "moved to the city")],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(
        s.areas(),
        vec![Deficits],
        "a move six years before onset does not count"
    );
    let top = s.top().unwrap();
    // Nothing else explains the episode, so deficits is the residual area; but an inventory
    // of one person may be unfinished, so its thinness is not counted (#14 finding 4).
    assert_eq!(top.strength, Strength::Moderate);
    assert_cites(&s, Deficits, "the residual area");
    assert!(!top.cites("Only 1 person"), "{:?}", top.reasons);
    assert!(s.has_note(NoteKind::FewPeopleRecorded));
    assert!(
        s.note(NoteKind::FewPeopleRecorded)
            .unwrap()
            .text
            .contains("1 living person")
    );

    // Once the inventory records more people, a circle with only one of them in it is a
    // thin network.
    let mut people = people;
    people.push(person(
        2,
        "Cousin",
        Rel::OtherFamily,
        ClosenessRing::Outside,
    ));
    people.push(person(3, "Landlord", Rel::Other, ClosenessRing::Outside));
    let s = suggest(&people, &t, None);
    let top = s.top().unwrap();
    assert_eq!(top.area, Deficits);
    assert_eq!(top.strength, Strength::Strong);
    assert_cites(
        &s,
        Deficits,
        "Only 1 person in the closeness circle → Interpersonal deficits",
    );
    assert_cites(&s, Deficits, "Nobody in the inner ring");
    assert_cites(&s, Deficits, "No confidant");
    assert!(!s.has_note(NoteKind::FewPeopleRecorded));
}

/// A new referral: nothing has been entered yet. The rules must still answer, with deficits as
/// a placeholder and a clear request for more information.
#[test]
fn empty_inventory_and_timeline_fall_back_to_deficits_and_ask_for_more() {
    let s = suggest(&[], &Timeline::default(), None);

    assert_eq!(s.areas(), vec![Deficits]);
    let top = s.top().unwrap();
    assert_eq!(top.strength, Strength::Weak);
    assert_cites(
        &s,
        Deficits,
        "Nothing is recorded in the inventory or timeline yet",
    );
    assert!(s.has_note(NoteKind::MoreInformationNeeded));
    assert!(
        s.note(NoteKind::MoreInformationNeeded)
            .unwrap()
            .text
            .contains("More information is needed")
    );
    assert!(s.has_note(NoteKind::NoOnsetRecorded));
    assert!(!s.is_ambiguous());
}

/// Mrs H., 72: her husband Paolo died in October; in January she moved in with her daughter in
/// another town. Depressed since March. Both the loss and the move are suggested; the death
/// ranks first.
#[test]
fn a_death_and_a_move_are_both_suggested_with_grief_first() {
    let paolo = deceased(person(1, "Paolo", Rel::Partner, Inner));
    let people = with_network(vec![paolo.clone()]);
    let t = timeline(
        "2026-03",
        vec![
            event(1, "2025-10", EventKind::Death, Some(&paolo), ""),
            event(
                2,
                "2026-01",
                EventKind::Move,
                None,
                "moved in with her daughter in Bologna",
            ),
        ],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![Grief, RoleTransition]);
    assert_eq!(s.get(Grief).unwrap().strength, Strength::Strong);
    assert_cites(
        &s,
        Grief,
        "Death of 'Paolo' (October 2025), 5 months before onset → Grief",
    );
    assert_cites(
        &s,
        RoleTransition,
        "Move: moved in with her daughter in Bologna (January 2026), 2 months before onset → Role transition",
    );
    assert!(!s.is_ambiguous(), "grief clearly leads: {:?}", s.notes);
}

/// Mr I., 50: constant fights with his partner Dario, who he feels never supports him; a bad
/// fight in January, then he lost his job in February. Depressed since March. Dispute and transition both fit; the dispute has more behind it.
#[test]
fn conflict_and_job_loss_are_both_suggested_with_the_dispute_first() {
    let dario = in_conflict(
        person(1, "Dario", Rel::Partner, Inner),
        ConflictLevel::Open,
        Reciprocity::NotMet,
    );
    let people = with_network(vec![dario.clone()]);
    let t = timeline(
        "2026-03",
        vec![
            event(1, "2026-01", EventKind::Conflict, Some(&dario), ""),
            event(
                2,
                "2026-02",
                EventKind::JobChange,
                None,
                "lost his job at the warehouse",
            ),
        ],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![RoleDispute, RoleTransition]);
    assert_cites(
        &s,
        RoleDispute,
        "Conflict with 'Dario' (January 2026), 2 months before onset → Role dispute",
    );
    assert_cites(
        &s,
        RoleTransition,
        "lost his job at the warehouse (February 2026), 1 month before onset",
    );
    assert!(!s.is_ambiguous());
    assert_eq!(s.stage_hint().unwrap().stage, DisputeStage::Renegotiation);
}

/// Ms J., 35: she and Marco had fought openly for a year; he left in January. Depressed since
/// February. Separation is both a life change and a possible end to the dispute: the two
/// areas score close, and the result says so.
#[test]
fn separation_after_conflict_is_ambiguous_and_hints_at_dissolution() {
    let marco = in_conflict(
        person(1, "Marco", Rel::ExPartner, Middle),
        ConflictLevel::Open,
        Reciprocity::NotMet,
    );
    let people = with_network(vec![marco.clone()]);
    let t = timeline(
        "2026-02",
        vec![event(
            1,
            "2026-01",
            EventKind::Separation,
            Some(&marco),
            "he moved out",
        )],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![RoleDispute, RoleTransition]);
    assert_cites(
        &s,
        RoleTransition,
        "Separation from 'Marco' (January 2026), 1 month before onset → Role transition",
    );
    assert_cites(
        &s,
        RoleDispute,
        "Separation from 'Marco' (January 2026), 1 month before onset → Role dispute",
    );
    assert_cites(&s, RoleDispute, "may have reached dissolution");
    assert!(s.is_ambiguous());
    let note = s.note(NoteKind::Ambiguous).unwrap();
    assert_eq!(note.areas, vec![RoleDispute, RoleTransition]);
    assert!(note.text.contains("The clinician chooses"));
    assert!(
        note.text
            .contains("disputes and transitions often co-occur")
    );
    assert!(
        note.text
            .contains("the one the patient finds most important")
    );
    let hint = s.stage_hint().unwrap();
    assert_eq!(hint.stage, DisputeStage::Dissolution);
    assert_eq!(hint.person, marco.id);
}

/// Mr K., 29: an amicable separation from Sam in December, no conflict recorded; lonely in a
/// new flat, depressed since February. The change leads; the dispute reading trails.
#[test]
fn an_amicable_separation_reads_mainly_as_a_transition() {
    let sam = person(1, "Sam", Rel::ExPartner, Outer);
    let people = with_network(vec![sam.clone()]);
    let t = timeline(
        "2026-02",
        vec![event(1, "2025-12", EventKind::Separation, Some(&sam), "")],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![RoleTransition, RoleDispute]);
    assert_eq!(s.get(RoleTransition).unwrap().strength, Strength::Strong);
    assert_eq!(s.get(RoleDispute).unwrap().strength, Strength::Weak);
    assert!(!s.is_ambiguous());
    assert_eq!(s.stage_hint().unwrap().stage, DisputeStage::Dissolution);
}

/// Ms L., 47: open clashes with her manager, Mr Ferri, from December; dismissed in February.
/// Depressed since March. Dispute and transition score close: the clinician asks her which
/// matters most.
#[test]
fn conflict_with_a_manager_then_dismissal_is_ambiguous() {
    let ferri = in_conflict(
        person(1, "Mr Ferri", Rel::Colleague, Outer),
        ConflictLevel::Open,
        Reciprocity::Unknown,
    );
    let people = with_network(vec![ferri.clone()]);
    let t = timeline(
        "2026-03",
        vec![
            event(1, "2025-12", EventKind::Conflict, Some(&ferri), ""),
            event(2, "2026-02", EventKind::JobChange, None, "dismissed"),
        ],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![RoleDispute, RoleTransition]);
    assert!(s.is_ambiguous());
    assert_cites(
        &s,
        RoleDispute,
        "Open conflict with 'Mr Ferri' (colleague, outer ring) → Role dispute",
    );
    assert_cites(
        &s,
        RoleTransition,
        "Job change: dismissed (February 2026), 1 month before onset → Role transition",
    );
    assert_eq!(
        s.note(NoteKind::Ambiguous).unwrap().areas,
        vec![RoleDispute, RoleTransition]
    );
}

/// Ms M., 58: her grandmother Nonna died in November; the clinician has not yet dated the
/// start of the episode. The death still counts, more weakly, and the missing onset is flagged.
#[test]
fn without_an_onset_events_count_weakly_and_the_gap_is_flagged() {
    let nonna = deceased(person(1, "Nonna", Rel::OtherFamily, Inner));
    let people = with_network(vec![nonna.clone()]);
    let t = Timeline {
        events: vec![event(1, "2025-11", EventKind::Death, Some(&nonna), "")],
        episodes: vec![],
    };

    let s = suggest(&people, &t, None);

    assert_eq!(s.onset, None);
    // The death has moderate support, so the residual area is not suggested beside it.
    assert_eq!(s.areas(), vec![Grief]);
    assert_eq!(s.get(Grief).unwrap().strength, Strength::Moderate);
    assert_cites(
        &s,
        Grief,
        "Death of 'Nonna' (November 2025); onset not recorded → Grief",
    );
    assert!(s.has_note(NoteKind::NoOnsetRecorded));

    // With only the death on the timeline and no one else, deficits stays open as residual.
    let s = suggest(
        &people,
        &Timeline {
            events: vec![],
            episodes: vec![],
        },
        None,
    );
    assert_cites(&s, Deficits, "No onset recorded");
}

/// Mr N., 66: a first episode in 2018, recovered. Retired in September 2025; the current
/// episode began in November. Only the current episode's onset is used, unless the clinician
/// passes another.
#[test]
fn recurrent_depression_measures_from_the_current_episode() {
    let people = supportive_network();
    let t = Timeline {
        events: vec![event(
            1,
            "2025-09",
            EventKind::Retirement,
            None,
            "retired from teaching",
        )],
        episodes: vec![
            episode(1, "2018-01", Some("2018-09"), false),
            episode(2, "2025-11", None, true),
        ],
    };

    let s = suggest(&people, &t, None);
    assert_eq!(s.areas(), vec![RoleTransition]);
    assert_cites(
        &s,
        RoleTransition,
        "Retirement: retired from teaching (September 2025), 2 months before onset",
    );

    // Measured from the 2018 episode instead, the retirement came long after onset.
    let s = suggest(&people, &t, Some(date("2018-01")));
    assert_eq!(s.top().unwrap().area, Deficits);
    assert_cites(
        &s,
        RoleTransition,
        "after onset: it may be keeping the episode going",
    );
}

/// Ms O., 40: her brother Luca died in June, a month after her low mood began in May. The
/// dates are approximate; a death just after onset still reads as around onset.
#[test]
fn a_death_just_after_onset_still_counts_as_around_onset() {
    let luca = deceased(person(1, "Luca", Rel::Sibling, Inner));
    let people = with_network(vec![luca.clone()]);
    let t = timeline(
        "2026-05",
        vec![event(1, "2026-06", EventKind::Death, Some(&luca), "")],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.top().unwrap().area, Grief);
    assert_eq!(s.top().unwrap().strength, Strength::Strong);
    assert_cites(
        &s,
        Grief,
        "Death of 'Luca' (June 2026), 1 month after onset → Grief",
    );
}

/// Mr P., 24: his grandmother, who raised him, is in the inventory as deceased, and the
/// clinician tagged her for grief, but the death is not yet on the timeline. Few other people.
#[test]
fn a_deceased_person_without_a_death_event_is_noted_for_grief() {
    let nonna = tagged(
        deceased(person(1, "Grandmother", Rel::OtherFamily, Inner)),
        &[Grief],
    );
    let tommaso = confidant(person(2, "Tommaso", Rel::Friend, Middle));
    let t = timeline("2026-01", vec![]);

    let s = suggest(&[nonna, tommaso], &t, None);

    assert_eq!(s.areas(), vec![Deficits, Grief]);
    assert_cites(
        &s,
        Grief,
        "'Grandmother' is marked as deceased, but the death is not on the timeline",
    );
    assert_cites(
        &s,
        Grief,
        "The clinician tagged 'Grandmother' with this area → Grief",
    );
    // Tommaso is the only living person recorded: too few to read the network from.
    assert!(!s.get(Deficits).unwrap().cites("Nobody in the inner ring"));
    assert!(!s.get(Deficits).unwrap().cites("No confidant"));
    assert!(s.has_note(NoteKind::FewPeopleRecorded));
}

/// Ms Q., 44: diagnosed with multiple sclerosis in February; her partner Tom now helps her with
/// daily tasks, which the clinician tagged as part of the change. Depressed since April.
#[test]
fn an_illness_with_a_clinician_tag_supports_a_transition() {
    let tom = tagged(
        confidant(person(1, "Tom", Rel::Partner, Inner)),
        &[RoleTransition],
    );
    let people = with_network(vec![tom]);
    let t = timeline(
        "2026-04",
        vec![event(
            1,
            "2026-02",
            EventKind::Illness,
            None,
            "diagnosed with multiple sclerosis",
        )],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![RoleTransition]);
    assert_cites(
        &s,
        RoleTransition,
        "Illness: diagnosed with multiple sclerosis (February 2026), 2 months before onset",
    );
    assert_cites(
        &s,
        RoleTransition,
        "The clinician tagged 'Tom' with this area → Role transition",
    );
    assert_eq!(s.top().unwrap().score, 60);
}

/// Mrs R., 70: her sister died in December, she moved to sheltered housing in January, and
/// she argues openly with her son about the move. Depressed since February. Three areas have
/// support; the rules remind that IPT works on one, at most two.
#[test]
fn three_supported_areas_prompt_a_reminder_to_choose() {
    let sister = deceased(person(1, "Anna", Rel::Sibling, Middle));
    let son = in_conflict(
        person(2, "Pietro", Rel::Child, Inner),
        ConflictLevel::Open,
        Reciprocity::NotMet,
    );
    let people = with_network(vec![sister.clone(), son.clone()]);
    let t = timeline(
        "2026-02",
        vec![
            event(1, "2025-12", EventKind::Death, Some(&sister), ""),
            event(2, "2026-01", EventKind::Move, None, "sheltered housing"),
        ],
    );

    let s = suggest(&people, &t, None);

    assert_eq!(s.areas(), vec![Grief, RoleTransition, RoleDispute]);
    assert!(s.has_note(NoteKind::ManyAreas));
    assert!(
        s.note(NoteKind::ManyAreas)
            .unwrap()
            .text
            .contains("at most two")
    );
}

// ---- #14 finding 4: grief weighs how close the person was; deficits is residual ----------

/// Ms S., 47: a former colleague she had lost touch with died in March, and she placed him
/// outside her closeness circle. Depressed since May. The death is on the record, but IPT grief
/// concerns a significant other: the suggestion is weak and says why.
#[test]
fn the_death_of_an_ex_colleague_outside_the_circle_is_not_strong_grief() {
    let ex = deceased(person(
        1,
        "Ex-colleague",
        Rel::Colleague,
        ClosenessRing::Outside,
    ));
    let people = with_network(vec![ex.clone()]);
    let t = timeline(
        "2026-05",
        vec![event(1, "2026-03", EventKind::Death, Some(&ex), "")],
    );

    let s = suggest(&people, &t, None);

    let grief = s.get(Grief).expect("still shown, weakly, with its reason");
    assert_ne!(grief.strength, Strength::Strong);
    assert_eq!(grief.strength, Strength::Weak);
    assert!(grief.score < 25, "{}", grief.score);
    assert_eq!(
        grief.reasons[0].closeness,
        Some(ipt_domain::suggestion::LossCloseness::Distant)
    );
    assert_cites(&s, Grief, "(colleague, outside the circle: not a close tie");
    assert_cites(&s, Grief, "IPT grief concerns a significant other");

    // The same death of a mother in the inner ring is strong.
    let mother = deceased(person(2, "Mother", Rel::Parent, Inner));
    let people = with_network(vec![mother.clone()]);
    let t = timeline(
        "2026-05",
        vec![event(2, "2026-03", EventKind::Death, Some(&mother), "")],
    );
    let s = suggest(&people, &t, None);
    assert_eq!(s.get(Grief).unwrap().strength, Strength::Strong);
}

/// The ring leads and the relationship adjusts: close family in the circle is significant,
/// an outer-ring friend moderate, a distant tie or anyone outside the circle weak.
#[test]
fn loss_closeness_follows_ring_and_relationship() {
    use ipt_domain::suggestion::{LossCloseness as L, loss_closeness};
    let c = |rel, ring| loss_closeness(Some(&person(1, "X", rel, ring)));
    assert_eq!(c(Rel::Colleague, Inner), L::Significant);
    assert_eq!(c(Rel::Parent, Outer), L::Significant);
    assert_eq!(c(Rel::Partner, Middle), L::Significant);
    assert_eq!(c(Rel::Friend, Middle), L::Significant);
    assert_eq!(c(Rel::Friend, Outer), L::Moderate);
    assert_eq!(c(Rel::Colleague, Middle), L::Moderate);
    assert_eq!(c(Rel::Sibling, ClosenessRing::Outside), L::Moderate);
    assert_eq!(c(Rel::Colleague, Outer), L::Distant);
    assert_eq!(c(Rel::Friend, ClosenessRing::Outside), L::Distant);
    assert_eq!(loss_closeness(None), L::Unknown);
}

/// A death on the timeline that names nobody in the inventory cannot be judged for closeness:
/// moderate at most, and the reason asks for the person.
#[test]
fn a_death_naming_nobody_in_the_inventory_is_moderate_and_asks_who() {
    let t = timeline(
        "2026-05",
        vec![event(1, "2026-03", EventKind::Death, None, "an uncle")],
    );
    let s = suggest(&supportive_network(), &t, None);
    let grief = s.get(Grief).unwrap();
    assert_eq!(grief.strength, Strength::Moderate);
    assert_cites(&s, Grief, "not in the inventory");
}

/// Mr T., 35: open, repeated rows with his wife, who he says never keeps her word; depressed
/// since March. Only his wife and one friend are in the inventory so far. The dispute explains
/// the episode; two people recorded are no sign of isolation, so deficits is not suggested.
#[test]
fn deficits_is_not_suggested_from_a_small_inventory_when_a_dispute_explains_the_episode() {
    let wife = in_conflict(
        person(1, "Giulia", Rel::Partner, Inner),
        ConflictLevel::Open,
        Reciprocity::NotMet,
    );
    let friend = person(2, "Marco", Rel::Friend, Outer);
    for people in [vec![wife.clone()], vec![wife.clone(), friend.clone()]] {
        let t = timeline("2026-03", vec![]);
        let s = suggest(&people, &t, None);
        assert_eq!(
            s.areas(),
            vec![RoleDispute],
            "{} people: {s:#?}",
            people.len()
        );
        assert!(s.get(Deficits).is_none());
        assert!(s.has_note(NoteKind::FewPeopleRecorded));
    }
}

/// A clinician's own deficits tag is kept even when another area explains the episode: the
/// residual rules give way, the clinician's judgement does not.
#[test]
fn a_deficits_tag_survives_when_another_area_explains_the_episode() {
    let mother = deceased(person(1, "Mother", Rel::Parent, Inner));
    let friend = tagged(person(2, "Sara", Rel::Friend, Outer), &[Deficits]);
    let mut people = with_network(vec![mother.clone()]);
    people.push(friend);
    let t = timeline(
        "2026-05",
        vec![event(1, "2026-03", EventKind::Death, Some(&mother), "")],
    );
    let s = suggest(&people, &t, None);
    assert_eq!(s.top().unwrap().area, Grief);
    let d = s.get(Deficits).unwrap();
    assert_eq!(d.reasons.len(), 1);
    assert_cites(&s, Deficits, "The clinician tagged 'Sara'");
}
