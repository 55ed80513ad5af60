# PDF documents: the course summary (discharge letter) and the patient's "my plan".

reports-download-title = Documents
reports-download-summary = Course summary (PDF)
reports-download-plan = "My plan" for the patient (PDF)
reports-download-hint = Each document is written in the patient's language; a download is recorded in the audit log.

reports-page-of = Page { $n } of { $total }
reports-prepared-on = Prepared on { $date }.
reports-none = —

## Course summary

reports-summary-title = Course summary
reports-summary-confidential = Confidential health information about the person named above. Share only with those involved in their care.
reports-summary-note = The software that produced this summary supports clinical judgement; it does not diagnose.
reports-summary-course = The course
reports-summary-patient = Patient
reports-summary-dob = Date of birth
reports-summary-format = Format
reports-summary-status = Status
reports-summary-clinician = Clinician
reports-summary-started = Started
reports-summary-ended = Ended
reports-summary-in-progress = still in progress
reports-summary-sessions = Sessions
reports-summary-attended = attended { $n } of { $total } planned
reports-summary-diagnosis = Diagnosis recorded at the start
reports-summary-focus = Focus areas
reports-summary-focus-none = No focus area was chosen.
reports-summary-stage = stage: { $stage }
reports-summary-scores = Scores from baseline to end
reports-summary-scores-so-far = Scores from baseline to the latest
reports-summary-scores-none = No questionnaire was scored during the course.
reports-summary-scores-note = Response, remission and reliable change follow each questionnaire's published thresholds. They describe how scores moved; they are not a diagnosis.
reports-col-instrument = Questionnaire
reports-col-baseline = Baseline
reports-col-end = End
reports-col-latest = Latest
reports-col-count = Scores
reports-col-change = Change
reports-summary-not-patient = This says the treatment did not help enough; it says nothing against the patient's effort.
reports-summary-alternatives = Options to review: medication with the prescriber, a different psychotherapy, both together, or a more specialised service.
reports-summary-goals = Goals
reports-summary-gains = Gains reviewed at the end
reports-summary-gains-none = No review of gains was written.
reports-summary-relapse = Relapse-prevention plan
reports-summary-relapse-none = No relapse-prevention plan was written.
reports-summary-maintenance = Maintenance recommendation
reports-summary-maintenance-none = No decision about what follows the course was recorded.

reports-chart-caption = { $instrument } over the course
reports-chart-desc = { $instrument }: { $count } scores, from { $first } on { $first_date } to { $last } on { $last_date }.
reports-chart-desc-one = { $instrument }: one score, { $first } on { $first_date }.
reports-chart-axis = { $instrument } total
reports-chart-baseline = Baseline ({ $total })
reports-chart-reliable = No reliable change from baseline (± { $points })
reports-chart-session = S
reports-chart-events = Life events
reports-chart-empty = No scores yet.

reports-col-area = Focus area
reports-col-goal = Goal
reports-col-progress = Progress
reports-col-status = Status
reports-goals-none = No goals were set.
reports-progress = { $n } of 10
reports-progress-none = not rated

## My plan (addressed to the patient)

reports-plan-title = My plan
reports-plan-confidential = Personal and confidential.
reports-plan-note = If you ever feel you cannot keep yourself safe, call your local emergency number or go to the nearest emergency department straight away.
reports-plan-intro = This is the plan we have put together in our sessions. Keep it somewhere handy and bring it along: we can change it together whenever you like.
reports-plan-formulation = How we understand what has been happening
reports-plan-formulation-none = We have not written this down together yet.
reports-plan-focus = What we are working on
reports-plan-focus-none = We have not chosen what to work on yet.
reports-plan-area-grief = Coming to terms with the death of someone important to you: remembering them as they were, the good and the difficult, and finding ways to carry on with the people around you.
reports-plan-area-role_dispute = A disagreement with someone close to you: understanding what each of you expects, and finding ways to talk about it and change things, or deciding what to do if it cannot change.
reports-plan-area-role_transition = A change in your life: taking leave of how things were, getting to know the new situation, and building the skills and support it needs.
reports-plan-area-interpersonal_deficits = Feeling alone or finding relationships hard: building closer contacts step by step, and trying new ways of being with people, in the sessions and between them.
reports-plan-goals = My goals
reports-plan-actions = What we agreed to try
reports-plan-actions-from = Agreed at the session on { $date }:
reports-plan-actions-none = Nothing written down yet.
reports-plan-relapse = Staying well
reports-plan-relapse-none = We have not written this part yet; we will do it together before our sessions end.
reports-plan-warning_signs = Signs that things may be getting harder
reports-plan-triggers = Situations to watch out for
reports-plan-coping = What helps me
reports-plan-supports = People I can turn to
reports-plan-seek_help = When and where to get help
reports-plan-upcoming = What comes next
reports-plan-upcoming-none = No further sessions are planned at the moment.
reports-plan-next = Next session
reports-plan-sessions = Sessions so far
reports-plan-sessions-held = { $n } of { $total } planned
reports-plan-frequency = How often we meet
reports-plan-end = Sessions planned until

reports-unknown-language = This document can be written in these languages: { $languages }.
