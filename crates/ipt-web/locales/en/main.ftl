# Layout
app-name = IPT Workbench
skip-to-content = Skip to content
nav-caseload = Caseload
nav-new-patient = Register a patient
nav-protocols = Treatment formats
nav-users = Users
nav-sign-out = Sign out
nav-signed-in-as = Signed in as { $name } ({ $role })
nav-language = Language
footer-decision-support = IPT Workbench supports clinical judgement. It does not diagnose.
action-save = Save
action-cancel = Cancel
action-open = Open
action-change-language = Change language
form-errors-title = Please correct the marked fields. Nothing was saved.
field-required = This field is required.
draft-restored = Restored: you typed this in this tab earlier and it was not saved. It is still not saved: check it, then save.
draft-discard = Discard this text
not-set = not recorded

# Sign-in
login-title = Sign in
login-username = Username
login-password = Password
login-submit = Sign in
login-failed = The username or password is not right.
login-throttled = Too many failed attempts. Try again in { $minutes } minutes.
login-busy = Many sign-ins are being checked at this moment. Please try again in a few seconds.
login-first-run = No account exists yet. An administrator creates the first one on the server with: ipt user add --username NAME --role admin
login-expired = Your session ended after a period of inactivity. Please sign in again.
signed-out = You have signed out.

# Caseload
caseload-title = Caseload
caseload-intro = Your patients, with where each course stands.
caseload-empty = No patients yet. Register a patient to start a course.
caseload-filter-phase = Show
caseload-filter-all = All patients
caseload-filter-open = Open courses
caseload-filter-alerts = With open alerts
caseload-sort = Sort by
caseload-sort-name = Name
caseload-sort-next = Next session
caseload-sort-alerts = Open alerts
caseload-apply = Apply
caseload-col-patient = Patient
caseload-col-format = Format
caseload-col-phase = Phase
caseload-col-session = Session
caseload-col-next = Next session
caseload-col-score = Latest score
caseload-col-alerts = Alerts
caseload-session-of = { $n } of { $total }
caseload-no-course = no course yet
trend-better = improving
trend-worse = worsening
trend-same = no change
trend-first = first score
alerts-open-count = { $n ->
    [one] { $n } open alert
   *[other] { $n } open alerts
}
alerts-none = none

# Patients
patient-new-title = Register a patient
patient-name = Name
patient-name-hint = Use the name the patient goes by.
patient-dob = Date of birth
patient-dob-hint = Format YYYY-MM-DD. Leave empty if unknown.
patient-language = Preferred language
patient-register = Register
patient-registered = The patient is registered.
patient-title = { $name }
patient-born = Born { $date }
patient-courses = Courses
patient-no-courses = No course yet.
patient-start-course = Start a course
patient-format = Format
patient-start = Start course
patient-started-on-label = Day the course started
patient-started-on-hint = Today for a new course. For a course already under way (for example begun elsewhere), its real first day, so its earlier sessions can be entered.
patient-open-course = This patient has an open course ({ $format }, started { $date }). A second course is not started beside it: complete or end that one first.
patient-open-course-link = Go to the open course
patient-started-on = Started { $date }
date-invalid = Write the date as YYYY-MM-DD, for example 1984-07-21.
date-in-future = The date cannot be in the future.

# Risk alerts
alerts-title = Risk alerts
alerts-intro = An alert stays open until a clinician records the action taken.
alerts-open = Open alerts
alerts-history = Acknowledged alerts
alerts-none-open = No open alerts.
alert-raised = Raised { $date }
alert-source = Source
alert-ack-note = Action taken
alert-ack-note-hint = For example: phoned the patient, safety plan reviewed, crisis team informed.
alert-acknowledge = Acknowledge
alert-acknowledged-by = Acknowledged by { $name } on { $date }: { $note }
alert-banner = This patient has an open risk alert. Review it before anything else.
alert-source-instrument = { $instrument }: risk item { $items } answered positively
alert-source-session = Concern recorded in the risk review of a session

# Course overview
course-title = { $format } for { $patient }
course-status = Status
course-phase-plan = Phase plan
course-sessions = Sessions
course-session-n = Session { $n }
course-session-n-of = Session { $n } of { $total }
course-planned = planned
course-ending-due-title = Time to talk about the ending
course-ending-due-then = Once the ending is under way, move the course to its termination phase.
course-next-step = Next step
course-move-to = Move to: { $status }
course-move = Move
course-unmet = Before moving to { $status }, please:
course-move-not-allowed = A course cannot move from { $from } to { $to }.
course-moved = The course is now: { $status }.
course-closed = This course is closed.
course-prompts-title = Prompts from the scores
course-review-not-on-track = Mid-course review: { $instrument } went from { $baseline } to { $latest } with { $attended } of { $planned } sessions attended, less improvement than expected by mid-course.
course-review-deteriorated = Mid-course review: { $instrument } went from { $baseline } to { $latest } with { $attended } of { $planned } sessions attended, a reliable worsening.
course-review-action = Discuss combination with medication or referral, and record what you and the patient decide (clinical reference §5.4, no meaningful response).
course-review-action-group = Discuss with your supervisor a referral to a clinician, who can consider medication or another treatment, and record what is decided.
course-suicide-screen = The { $instrument } asks nothing about suicide or self-harm, and no screen for them is recorded on this course yet.
course-suicide-screen-action = Screen for suicide risk separately: ask, then record it in a session (the separate screen task or the risk review), or give a questionnaire with a risk item such as the PHQ-9.
course-no-sessions = No sessions recorded yet.
course-contract = Contract
course-contract-summary = { $sessions } sessions, { $frequency }, until { $end }
course-focus = Focus
course-diagnosis = Diagnosis

# Errors
error-not-found-title = Not found
error-not-found = There is nothing here, or you do not have access to it.
error-conflict = Someone else changed this record after you opened it. Nothing was saved. Your text is kept below; reload to see their changes.
error-internal = Something went wrong on our side. It has been logged; please try again.
error-unavailable = The database is not answering. Please try again shortly.
error-forbidden-admin = Administrators manage accounts and do not open clinical records.
back-to-caseload = Back to the caseload

# Users (admin)
users-title = Users
users-add = Add a user
users-username = Username
users-display-name = Name shown
users-role = Role
users-password = Initial password
users-password-hint = At least 12 characters, not the username, not a common password: a phrase of four or more unrelated words works well. Share it with the user in person.
users-added = The user was added.
users-col-active = Active
users-col-supervisor = Supervisor
users-no-supervisor = No supervisor
users-save-supervisor = Save
users-supervisor-saved = The supervisor was saved.
yes = yes
no = no
course-end-reason = Reason
course-end-detail = Details (needed for "other")
end-reason-dropout = The patient stopped attending
end-reason-referred_on = Referred to another service
end-reason-other = Other

# Course sections
section-indication = Diagnosis and indication
section-measures = Measures
section-inventory = Interpersonal inventory
section-timeline = Timeline
section-suggestions = Problem areas
section-formulation = Formulation
section-contract = Contract
section-sessions = Sessions
section-goals = Goals
section-diary = Mood diary
section-portal = Patient portal
section-termination = Ending
section-summary = Summary

# Supervision
supervision-title = Supervision comments
supervision-none = No supervision comments yet.
supervision-add = Add a supervision comment
supervision-hint = Your comment is shown to the treating clinician on this page. It does not change the course.
supervision-submit = Add comment
# Two-step sign-in (TOTP) and account security
second-factor-title = Your sign-in code
second-factor-intro = Your account signs in with two steps. Open your authenticator app and type the code it shows for IPT Workbench.
second-factor-code = Code
second-factor-code-hint = Six digits, or one of your recovery codes if you do not have your phone.
second-factor-submit = Continue
second-factor-start-again = Start again with your username and password
second-factor-enrol-title = Set up two-step sign-in
second-factor-enrol-required = This service asks every staff account to sign in with two steps. Set it up now; it takes a minute.
second-factor-enrol-step-app = Install an authenticator app on your phone, if you do not have one (any app for time-based codes works).
second-factor-enrol-step-scan = In the app, add an account and scan this code.
second-factor-enrol-or-type = If you cannot scan it, type this key instead:
second-factor-enrol-step-code = Type the six-digit code the app now shows.
second-factor-enrol-submit = Turn on two-step sign-in
recovery-codes-title = Your recovery codes
recovery-codes-intro = If you lose your phone, each of these codes lets you sign in once instead of a code from the app. Keep them somewhere safe and private, away from your phone: print them or write them down.
recovery-codes-once = They are shown only now. You can make new ones at any time on your account's security page; the old ones then stop working.
recovery-codes-done = I have kept them: continue
account-security-title = Account security
account-security-second-factor = Two-step sign-in
account-security-on = Two-step sign-in is on: after your password, a code from your authenticator app is asked.
account-security-off = Two-step sign-in is off: your password alone opens your account. Turning it on protects the records you hold if your password is ever guessed or stolen.
account-security-turn-on = Turn on two-step sign-in
account-security-new-codes = Make new recovery codes
account-security-off-code = To turn it off, type a current code from your app
account-security-turn-off = Turn off two-step sign-in
account-security-required = This service requires two-step sign-in, so it cannot be turned off here. If you change phones, an administrator can reset it.
account-security-recovery-left = Recovery codes left: { $n }.
nav-security = Security
login-challenge-expired = The sign-in took too long. Please start again with your username and password.
