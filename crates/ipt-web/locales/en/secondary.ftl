# The secondary-outcomes panel (#21): perceived support, loneliness, assertiveness and the
# closeness circle, start against latest. Our own wording.
secondary-title = Support, isolation and assertiveness
secondary-intro = Besides the symptoms, IPT aims at the patient's relationships: the support they feel, how alone they are, and how easily they say what they need. Each line sets the first measurement against the latest.
secondary-none = No support or loneliness questionnaire yet. Give the MSPSS and the UCLA-3 at the start and at the end, and rate on each inventory entry how easy it is to tell that person what the patient needs; the closeness circle is kept at the start of the middle phase.
secondary-note = Change here is shown, not explained: a better score sits beside the treatment, it does not prove the treatment caused it. The circle counts and the self-expression rating are this software's own course measures, with no reliability rule; read their change together with what the patient says.
secondary-col-outcome = Outcome
secondary-col-measure = Measured by
secondary-col-start = Start
secondary-col-latest = Latest
secondary-col-change = Change
secondary-col-reading = How to read it
secondary-outcome-social_support = Perceived support
secondary-outcome-loneliness = Loneliness
secondary-outcome-assertiveness = Assertiveness (questionnaire)
secondary-outcome-self_expression = Assertiveness in the relationships
secondary-outcome-network = Isolation
secondary-measure-total = { $name } total ({ $min }–{ $max })
secondary-measure-subscale = { $name }: { $subscale } (item mean, 1–7)
secondary-subscale-significant_other = significant other
secondary-subscale-family = family
secondary-subscale-friends = friends
secondary-measure-in-circle = People in the closeness circle
secondary-measure-inner = People in the inner ring
secondary-measure-confidant = Someone to confide in
secondary-measure-self-expression-index = Self-expression index (mean rating 0–4)
secondary-measure-relationship = { $name }: how easy it is to say what they need
secondary-score-on = { $total } on { $date }
secondary-one-score = One score so far
secondary-no-change = no change
secondary-at-end = at the end, { $date }
secondary-now = now
secondary-not-rated = not rated
secondary-confidant-gained = now has a confidant
secondary-confidant-lost = no longer has a confidant
secondary-self-expression-change = { $change }, over { $pairs } rated at both points
secondary-relationships = { $n ->
    [one] one relationship
   *[other] { $n } relationships
}
secondary-read-social_support = Higher means more support felt.
secondary-read-loneliness = Lower means less lonely.
secondary-read-assertiveness = Higher means more assertive; no cut-off is published, so only the score and its change are shown.
secondary-read-no-rule = { $direction } This questionnaire has no reliable-change rule here, so the change is not judged.
secondary-read-subscale = The mean of the subscale's items; shown as it moved, without a judgement.
secondary-read-network = A count from the closeness circle (living people only), this software's course measure.
secondary-read-self-expression = The patient's own rating, 0 very hard to 4 easy; a course measure of this software, not a validated scale.
course-secondary-due-start = { $instrument } is due at the start of the course, for the secondary outcomes (support, isolation).
course-secondary-due-end = { $instrument } is due again in the termination phase, to compare with the start.
course-secondary-due-action = Enter it on the Measures page, or ask the patient to fill it in on the portal.
# The inventory's global fields (reference §3.2), start and end.
globals-title = Patterns across relationships
globals-link = Patterns across relationships: at the start and at the end
globals-intro = What holds across the patient's relationships rather than for one person, in your own words. Record it during the initial phase and again at the end, so the two can be read side by side. Leave every field empty and save to clear a point.
globals-at-start = At the start
globals-at-end = At the end
globals-save = Save
globals-notice-saved = The patterns across relationships were saved.
globals-field-relational_patterns = Attachment and relational patterns
globals-field-relational_patterns-hint = How the patient tends to get close, depend on others or keep a distance; what repeats from one relationship to the next.
globals-field-self_assertion = Asserting oneself, confronting, expressing anger
globals-field-self_assertion-hint = Whether the patient can say what they need, say no, disagree or show anger, and with whom it is hardest.
globals-field-social_risk_taking = Social risk-taking
globals-field-social_risk_taking-hint = Reaching out to people, trying new contacts, tolerating the risk of being turned down.
globals-field-relationship_history = Relationships since childhood (brief)
globals-field-relationship_history-hint = A few lines: the important relationships over the years and how they went.
globals-field-recorded_on = Recorded on
