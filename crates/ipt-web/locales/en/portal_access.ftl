# Patient portal: getting in (invitation, portal code and passphrase, kiosk mode), the help page
# and crisis resources, and the clinician's portal page. Our own words, plain and kind.

## Invitation and portal code
portal-access-invitation-title = Set up your IPT space
portal-access-invitation-intro = Your therapist invited you to your own space, where you can fill in questionnaires and keep a mood diary between sessions. First, choose a passphrase that only you know.
portal-access-invitation-expires = This link works until { $date }, and only once.
portal-access-invitation-private = Do not share this link. If someone else might have seen it, ask your therapist for a new one.
portal-access-invitation-unusable-title = This link does not work
portal-access-invitation-unusable = This link cannot be used. It may have run out of time, been replaced by a newer link, or been used already. Ask your therapist for a new link. If you already set up your space, sign in with your portal code and passphrase.
portal-access-passphrase-new = Choose a passphrase
portal-access-passphrase-confirm = Type the same passphrase again
portal-access-passphrase-hint = At least { $n } characters. A few ordinary words you can remember work well, for example three words with spaces between them.
portal-access-passphrase-save = Save my passphrase
portal-access-passphrase-too-short = The passphrase is too short. Use at least { $n } characters, for example three ordinary words.
portal-access-passphrase-too-long = The passphrase is too long. Use at most { $n } characters.
portal-access-passphrase-too-simple = The passphrase repeats the same few letters. Try a few different ordinary words.
portal-access-passphrase-differ = The two passphrases are not the same. Type them again.
portal-access-fix-below = Something needs changing. Look at the message below.
portal-access-code-title = Your portal code
portal-access-code-intro = Your passphrase is saved. This is your portal code. Each time you come back, you need this code and your passphrase.
portal-access-code-keep-title = Keep your code safe
portal-access-code-keep-write = Write the code down now, on paper, and keep it somewhere private.
portal-access-code-keep-once = We show the code only this once. Your therapist cannot see it either.
portal-access-code-keep-lost = If you lose it, ask your therapist for a new invitation link.
portal-access-code-continue = Go to my space

## Signing in and out
portal-access-sign-in-title = Sign in to your IPT space
portal-access-sign-in-intro = Type your portal code and your passphrase.
portal-access-code = Portal code
portal-access-code-hint = Ten letters and numbers, for example 7KX4M-P2QRT.
portal-access-passphrase = Passphrase
portal-access-sign-in = Sign in
portal-access-sign-in-failed = The portal code or the passphrase is not right. Check them and try again.
portal-access-sign-in-lost = Lost your code or passphrase? Ask your therapist for a new invitation link.
portal-access-signed-out = You have signed out.
portal-access-expired = You were signed out because nothing happened for a while. Please sign in again.
portal-access-throttled-title = Please wait a little
portal-access-throttled = There were too many tries. To keep your space safe, please wait { $minutes } minutes and try again.
portal-access-busy = Many sign-ins are being checked at this moment. Please try again in a few seconds.

## Kiosk mode
portal-access-kiosk-title = Give the device back
portal-access-kiosk-intro = This device belongs to the clinic. Your clinician will type their own password here to take it back.
portal-access-kiosk-password = Clinician's password
portal-access-kiosk-submit = Take the device back
portal-access-kiosk-failed = That password is not right. The device stays in the patient's space.
portal-access-kiosk-stay = Go back to the questionnaires

## Pages that say something went wrong
portal-access-not-found-title = Not found
portal-access-not-found = There is nothing here. The page may have moved, or the address may be wrong.
portal-access-trouble-title = Something went wrong
portal-access-unavailable = The space cannot be reached right now. Please try again in a few minutes.
portal-access-internal = Something went wrong on our side. Please try again later. Nothing you saved before is lost.
portal-access-back-home = Back to my space
portal-access-go-sign-in = Go to the sign-in page

## Help and crisis resources
portal-help-title = Help now
portal-crisis-default-heading = If you are in danger now
portal-crisis-default-emergency = If you might act on thoughts of harming yourself, or you are not safe right now, call your local emergency number now (in Europe, 112) or go to the nearest emergency department.
portal-crisis-default-not-alone = If you can, ask someone you trust to stay with you.
portal-crisis-tell-clinician = Please also tell your therapist or clinic as soon as you can.
portal-crisis-more = More about where to get help
portal-help-not-urgent-title = If it is not an emergency
portal-help-not-urgent = Talk with your therapist at your next session, or contact your clinic during opening hours.
portal-help-not-watched = Nobody watches this space around the clock. What you write or answer here may not be seen straight away.

## The clinician's portal page
portal-clinician-intro = Invite the patient to their portal, choose the questionnaires they fill in there, or hand them a clinic device in kiosk mode.
portal-clinician-read-only = You can see this page but not change it.
portal-clinician-access-title = Access
portal-clinician-access-set = The patient set up their portal access on { $date }.
portal-clinician-access-none = The patient has not set up their portal access yet.
portal-clinician-new-link-title = New invitation link
portal-clinician-new-link-once = Copy or print this link now and give it to the patient: it is shown only this once. It opens the portal once; the patient then chooses a passphrase and receives their own portal code.
portal-clinician-link-label = Invitation link
portal-clinician-valid-until = The link works until { $when }.
portal-clinician-hours = Link valid for (hours)
portal-clinician-hours-hint = Creating a new link does not cancel older ones: revoke an old link if someone else may have seen it. A new link is also how a patient who lost their code or passphrase gets back in.
portal-clinician-create-invitation = Create an invitation link
portal-clinician-invitations-title = Invitations
portal-clinician-invitations-none = No invitations yet.
portal-clinician-created = Created
portal-clinician-expires = Expires
portal-clinician-state = State
portal-clinician-actions = Actions
portal-clinician-revoke = Revoke
portal-clinician-invitation-open = Open
portal-clinician-invitation-accepted = Used by the patient
portal-clinician-invitation-revoked = Revoked
portal-clinician-invitation-expired = Expired
portal-clinician-when = { $date } at { $time } (UTC)
portal-clinician-questionnaires-title = Questionnaires on the portal
portal-clinician-questionnaires-about = The patient sees these in their portal when they are due. Answers arrive in the course's measures; a positive risk answer raises an alert at once.
portal-clinician-assignments-none = No questionnaires assigned yet.
portal-clinician-questionnaire = Questionnaire
portal-clinician-schedule = How often
portal-clinician-schedule-once = Once
portal-clinician-schedule-before_each_session = Before each session
portal-clinician-schedule-weekly = Every week
portal-clinician-schedule-missing = Choose how often the questionnaire is offered.
portal-clinician-assigned-on = Assigned on
portal-clinician-active = Active
portal-clinician-not-delivered = Not delivered.
portal-clinician-undeliverable = The patient is not offered this questionnaire: { $reason }
portal-clinician-stopped-on = Stopped on { $date }
portal-clinician-stop = Stop
portal-clinician-stop-conflict = Someone changed this assignment meanwhile. The page now shows the latest state; stop it again if you still want to.
portal-clinician-assign = Assign
portal-clinician-nothing-offerable = No questionnaire can be offered in the patient's language at the moment (see below why).
portal-clinician-not-offered-title = Questionnaires that cannot be offered to this patient, and why
portal-clinician-unknown-instrument = Choose a questionnaire from the list.
portal-clinician-not-questionnaire = { $name } is rated during sessions and is not sent as a questionnaire.
portal-clinician-clinician-only = { $name } is rated by a clinician from an interview and is never offered to patients.
portal-clinician-no-text = { $name } has no text in { $language } installed: its licence does not let us ship the text, so the service must install a text pack it is licensed to use ({ $file }). You can still enter item scores yourself.
portal-clinician-already-assigned = { $name } is already assigned in this course. Stop it first to change how often it is offered.
portal-clinician-done-revoked = The invitation was revoked: its link no longer works.
portal-clinician-done-assigned = The questionnaire was assigned.
portal-clinician-done-stopped = The questionnaire was stopped and is no longer offered.
portal-clinician-kiosk-title = Kiosk mode
portal-clinician-kiosk-about = Hand this device to the patient so they can fill in their questionnaires in the clinic. You are signed out on this device while they use it; to take it back, choose “Give the device back to your clinician” and type your password.
portal-clinician-kiosk-start = Start kiosk mode
portal-clinician-formulation-wording = In the patient's own words
portal-clinician-formulation-wording-hint = Shown to the patient on their portal instead of the text above. Write it with them, in their words. Leave it empty to show the text above.
