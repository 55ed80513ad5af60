# rules: the core's refusals, by code (ipt_domain::rule::FieldError). Each page and the API's
# English text word a refusal from here, so a rule's message is written once per language.
rule-date-in-future = The date cannot be in the future. This date is after today ({ $today }): record what has already happened.
rule-course-not-started = This course has not started yet (it is still referred). Start the course before recording sessions.
rule-course-closed = This course has ended, so no new session can be added to it. Corrections to recorded sessions are still possible.
rule-before-course-start = This date is before the course started ({ $started }). If the course began earlier elsewhere, correct its start date first.
rule-patient-has-open-course = This patient already has an open course, started { $started }. Complete or end it before starting another.
rule-end-not-after-agreement = The last session must come after the day the contract was agreed ({ $agreed }).
rule-special-not-in-format = A "{ $kind }" session is not part of this course's format; choose one of the format's own kinds of session, or none.
rule-phase-not-in-format = This course's format has no "{ $phase }" phase; choose one of its own phases.
rule-not-a-clinician = Only clinicians have a supervisor.
rule-not-a-supervisor = Choose an account with the supervisor role.
rule-supervisor-inactive = This supervisor's account is switched off; choose an active supervisor.
rule-no-such-user = There is no such account.
rule-username-invalid = A username has 2–40 characters: letters, digits, dot, dash or underscore.
rule-username-taken = A user named '{ $username }' already exists.
rule-password-too-short = The password must have at least { $min } characters.
rule-password-has-username = The password must not contain the username.
rule-password-guessable = This password is too easy to guess: it is on a list of common or breached passwords, or it is made of a repeated or sequential run, a keyboard row, a date or common words. A phrase of four or more unrelated words is strong and easy to remember.
rule-second-factor-wrong = This code is not right, or it was used already. Type the six digits your authenticator app shows now, or one of your recovery codes.
rule-second-factor-already-on = Two-factor sign-in is already on for this account. Turn it off first to set it up on another phone.
rule-second-factor-required = This service requires two-factor sign-in for every staff account, so it cannot be turned off. To move it to a new phone, ask an administrator to reset it.
rule-unknown-role = '{ $role }' is not a role; choose admin, clinician or supervisor.
rule-required = This field is required.
rule-date-invalid = Write the date as YYYY-MM-DD, for example 1984-07-21.
rule-not-one-of = '{ $value }' is not one of the choices offered here. Choose one of the listed options.
rule-number-out-of-range = Enter a whole number from { $min } to { $max }.
rule-number-out-of-range--hours = Give a whole number of hours from { $min } to { $max }.
rule-required--comment = Please write the comment before sending it.
rule-alert-note-required = To close the alert, describe the action taken (for example: safety assessment done by phone, crisis plan agreed), in at least { $min } characters.
rule-alert-already-acknowledged = This alert has already been acknowledged.
rule-invitation-not-open = This invitation is no longer open, so there is nothing to revoke.
rule-assignment-stopped = This questionnaire was already stopped.
rule-goal-not-open = This goal can no longer be rated.
rule-not-in-course = There is no such session in this course.
rule-session-number-taken = Session { $n } is already recorded for this course.
rule-phase-override-needs-reason = Give a reason for changing the phase.
rule-next-date-not-after = The next session must come after this one. This session is dated { $date }.
rule-techniques-without-attendance = Techniques and strategies can be recorded only for a session that took place. Untick them, or change the attendance.
rule-version-missing = The form did not say which version of the record it changes. Reload the page and make the change again.
rule-too-long = Please keep this to { $max } characters or fewer.
rule-control-character = This text holds an invisible control character (character { $position }: a NUL, an escape, or a line break in a one-line field) that cannot be saved. Please type it again, or paste it as plain text.
rule-required--alias = Give the person a name or alias.
rule-required--ring = Choose where the person sits on the circle.
rule-approx-date-invalid = Write the date as YYYY, YYYY-MM or YYYY-MM-DD, for example 2019, 2019-03 or 2019-03-14.
rule-not-in-inventory = Choose a person from this course's interpersonal inventory, or none.
rule-end-before-onset = The end comes before the onset. The episode began { $onset }.
rule-account-inactive = The account '{ $username }' is switched off; a token for it would not work.

## Initial-phase forms: indication, diagnosis, focus, formulation, contract, assessments.
rule-contract-does-not-fit = { $sessions } sessions at this frequency do not fit before this date: counted from the start of the course, the last one could come { $earliest } at the earliest. Choose a later end, fewer sessions, or more frequent ones.
rule-acute-not-weekly = Acute IPT is planned as weekly sessions, and this contract agrees a slower pace. Keep it if there is a reason for it, such as the patient's availability, and note that reason in the record.
rule-focus-none = Choose at least one focus area.
rule-focus-duplicate = Choose two different areas, or just one.
rule-focus-too-many = IPT works on one or two focus areas.
rule-focus-change-needs-reason = The course is past its initial phase: say why the focus changes. The patient will need to agree the formulation again.
rule-session-phase-ahead = This course is still in its { $phase ->
        [initial] initial
        [middle] middle
        [termination] termination
       *[other] maintenance
    } phase, so a session cannot belong to a later one. Move the course on first, or keep the session in its phase.
rule-dispute-needs-stage = A role dispute needs its stage: renegotiation, impasse or dissolution.
rule-stage-only-for-disputes = Only a role dispute has a stage; leave it empty or choose a role dispute.
rule-number-out-of-range--sessions = For this format, agree from { $min } to { $max } sessions, as a whole number.
rule-required--statement = Write the diagnosis in words.
rule-required--severity = Choose one of the options.

## (kept apart)

## Assessments: questionnaires entered by a clinician or answered in the portal.
rule-answer-invalid = Give the item's answer as a whole number, or leave it unanswered.
rule-answer-not-on-scale = Choose one of the allowed values ({ $allowed }) for item { $item }.
rule-answer-count = Give one answer per item, in item order: expected { $expected }, got { $given }.
rule-alternatives-both = Items { $first } and { $second } are alternative ratings: answer only one of them.
rule-nothing-answered = Answer at least one item before saving.
rule-final-needs-a-valid-result = These answers do not give a valid result (for example, too many items are unanswered). They can be kept only as a draft until the missing items are answered.
rule-assessment-final = This questionnaire is final: it is a record and cannot be changed. Enter a new one instead.
rule-not-one-of--instrument = '{ $value }' is not a questionnaire of this catalogue. Choose one from the list.
rule-date-invalid--administered-at = Write the date as YYYY-MM-DD (for example 2026-03-14), or the time as 2026-03-14T10:30:00Z.

## (kept apart)

## Ending, patient and course forms: termination review, relapse plan, maintenance decision,
## patients, courses.
rule-review-empty = Write at least one part of the review: the gains, the feelings about ending, or the plan if treatment did not help enough.
rule-maintenance-not-decided = Record a decision for maintenance IPT before starting a maintenance course.
rule-medication-not-current = The record does not show { $medicine } as being taken: record it as started or already taken first.
rule-medication-already-current = The record already shows { $medicine } as being taken: record a dose change or a stop instead.
rule-medication-change-out-of-order = The latest change to this medicine is dated { $date }: a change cannot be dated before it.
rule-required--coping-steps = Write at least one thing the patient can do on their own: the plan needs it.
rule-required--medicine = Name the medicine.
rule-required--kind = Choose what happened to the medicine.
rule-required--dose = Give the new dose.
rule-required--warning-signs = Write the early warning signs: the plan needs them.
rule-required--seek-help = Write when and where to seek help: the plan needs it.
rule-required--choice = Choose one option.
rule-id-invalid = '{ $value }' is not the id of a record.
rule-no-such-clinician = Choose a clinician for the patient: this account is not a clinician's or a supervisor's.
rule-required--end-detail = When the reason is "other", say briefly what it was.
rule-required--end-reason = Choose why the course ended early.
rule-number-out-of-range--progress = Please choose a number from { $min } to { $max }.
rule-required--progress = Please choose a number from 0 to 10.
rule-cursor-invalid = This is not a page of this list: start again from its first page.
