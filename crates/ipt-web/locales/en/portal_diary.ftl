# The mood diary on the patient portal, and the clinician's view of it. Our own words, kept plain.
portal-diary-title = Mood diary
portal-diary-intro = Each day, note how your mood was and who you spent time with. Over a few weeks this can show how your mood and the people in your life go together. Your therapist can see your diary too.
portal-diary-no-course = Your diary opens once your therapist has started your therapy here.
portal-diary-closed = Your therapy here has ended, so the diary can no longer be changed. You can still read it.
portal-diary-today = Today, { $date }
portal-diary-day = { $date }
portal-diary-editing-past = You are changing an earlier day.
portal-diary-back-to-today = Back to today
portal-diary-mood-legend = How was your mood on this day?
portal-diary-mood-hint = Choose a number from 0 to 10.
portal-diary-mood-low = 0 = the lowest it can be
portal-diary-mood-high = 10 = the best it can be
portal-diary-people-legend = Who did you spend time with?
portal-diary-people-hint = Tick each person and say how it went. Time together counts in person, by phone or online.
portal-diary-people-none = Nobody from your list yet. You can add people below.
portal-diary-how-it-went = How did it go with { $person }?
portal-diary-add-legend = Add someone else
portal-diary-add-hint = Use a first name or a nickname. Leave the line empty if there is nobody to add.
portal-diary-add-name = Name or nickname ({ $n })
portal-diary-add-how = How did it go? ({ $n })
portal-diary-note = A note for yourself (optional)
portal-diary-note-hint = A few words about the day, if you like. Your therapist can read it.
portal-diary-save = Save this day
portal-diary-saved = Your entry for { $date } is saved.
portal-diary-other-day = Write about another day
portal-diary-other-day-hint = You can fill in or change an earlier day.
portal-diary-open-day = Open this day
portal-diary-quality-m2 = −2: went very badly
portal-diary-quality-m1 = −1: went badly
portal-diary-quality-0 = 0: neither good nor bad
portal-diary-quality-p1 = +1: went well
portal-diary-quality-p2 = +2: went very well
portal-diary-went-m2 = went very badly
portal-diary-went-m1 = went badly
portal-diary-went-0 = neither good nor bad
portal-diary-went-p1 = went well
portal-diary-went-p2 = went very well
portal-diary-form-problem = Your entry is not saved yet. Please look at the message below.
portal-diary-error-mood-missing = Please choose a mood from 0 to 10.
portal-diary-error-mood-range = The mood must be a number from 0 to 10.
portal-diary-error-quality = Choose how it went, from −2 to +2.
portal-diary-error-future = { $date } has not come yet. You can write about today or an earlier day.
portal-diary-error-date = This is not a date we can read. Please choose the day again.
portal-diary-error-note-long = The note is too long. Please keep it under { $n } characters.
portal-diary-error-control-character = This text holds an invisible control character that cannot be saved. Please type it again, or paste it as plain text.
portal-diary-error-too-many = A day can list up to { $n } people.
portal-diary-error-alias-long = A name or nickname can have up to { $n } characters.
portal-diary-error-twice = { $person } is listed twice. Please keep one.
portal-diary-error-alias-empty = Please give the person a name or nickname.
portal-diary-error-conflict = This day was saved from another window or device after you opened it. What you wrote is still in the form. What is saved now is shown below it. Press "Save this day" again to keep your version.
portal-diary-saved-now = Saved now: mood { $mood } out of 10
portal-diary-history = Your diary so far
portal-diary-history-none = No days written yet. Your first entry will appear here.
portal-diary-mood-of-ten = Mood { $mood } out of 10
portal-diary-no-people = Nobody noted
portal-diary-change-day = Change this day
portal-diary-change-day-label = Change { $date }
portal-diary-chart = Your mood over time
portal-diary-chart-title = Mood diary: mood and people, day by day
portal-diary-chart-axis = Mood (0–10)
portal-diary-chart-contacts = Time with others
portal-diary-chart-more = more
portal-diary-chart-empty = No days written yet.
portal-diary-chart-alt = Mood on { $days } between { $first } and { $last }: lowest { $low }, highest { $high }, average { $average }. The marks above each day show who you spent time with and how it went.
portal-diary-chart-alt-one = Mood on { $first }: { $mood } out of 10.
portal-diary-days = { $n ->
    [one] 1 day
   *[other] { $n } days
}
portal-diary-the-days = { $n ->
    [one] the one day
   *[other] the { $n } days
}
portal-diary-chart-table = Show the chart as a table
portal-diary-col-date = Day
portal-diary-col-mood = Mood (0–10)
portal-diary-col-people = People and how it went
portal-diary-summary = People and mood
portal-diary-summary-intro = For each person, this compares your average mood on the days you spent time with them and on the days you did not.
portal-diary-summary-caution = This shows a pattern in your diary, not a cause. Many things affect mood. It may be worth talking about with your therapist.
portal-diary-summary-none = Once you have noted people on a few days, you will see here how your mood on days with each of them compares with days without.
portal-diary-col-person = Person
portal-diary-col-with = Days with them
portal-diary-col-without = Days without them
portal-diary-col-in-words = In words
portal-diary-average-over = average { $mood } over { $days }
portal-diary-no-days-without = no days without
portal-diary-few-days = Too few days to read anything into yet.
portal-diary-sentence = On { $days_with } you saw { $person }, your mood averaged { $mood_with }; on { $days_without } without, { $mood_without }.
portal-diary-sentence-every-day = You noted { $person } on every day of your diary so far ({ $days }), so there are no days without to compare with.
# The clinician's view of the same diary, in the course workspace.
portal-diary-clin-title = Mood diary
portal-diary-clin-intro = What the patient wrote in their mood diary on the portal. It is their own record: read it with them rather than about them.
portal-diary-clin-none = The patient has not written in the diary yet.
portal-diary-clin-chart = Mood over time
portal-diary-clin-chart-alt = Mood on { $days } between { $first } and { $last }: lowest { $low }, highest { $high }, average { $average }. The marks above each day show who the patient spent time with and how it went.
portal-diary-clin-history = Entries, newest first
portal-diary-clin-summary-intro = For each person, the patient's average mood on days with them and on days without.
portal-diary-clin-summary-caution = A pattern in the patient's entries, not a cause: arithmetic means of a self-kept diary. Worth exploring with the patient.
portal-diary-clin-sentence = On { $days_with } with { $person }, the patient's mood averaged { $mood_with }; on { $days_without } without, { $mood_without }.
portal-diary-clin-sentence-every-day = { $person } was noted on every diary day so far ({ $days }), so there is nothing to compare with.
portal-diary-clin-summary-none = No people have been noted in the diary yet.
# The optional self-expression question on each contact (#21).
portal-diary-speak = How easy was it to tell { $person } what you needed? (optional)
portal-diary-add-speak = How easy was it to say what you needed? ({ $n }, optional)
portal-diary-speak-none = not answered
portal-diary-error-speak = Choose how easy it was, from 0 to 4, or leave it as not answered.
portal-diary-speak-summary = Telling { $person } what you needed: { $first } at first, { $latest } most recently ({ $answers }).
portal-diary-clin-speak-summary = Telling { $person } what they needed: { $first } at first, { $latest } most recently ({ $answers }).
portal-diary-answers = { $n ->
    [one] one answer
   *[other] { $n } answers
}
