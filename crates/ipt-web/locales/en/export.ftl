# The research export (administrators).

nav-export = Research export
export-title = Research export (CSV)
export-intro = Download every final questionnaire result as one CSV file for programme evaluation and research. Patients and courses appear under pseudonyms; nothing in the file names anyone.
export-in-title = What the file holds
export-in-ids = A pseudonym for each patient and each course, the same throughout one file.
export-in-course = The course's format, status and focus areas, as codes.
export-in-scores = The questionnaire, each item answer, the total, the severity band, whether a risk item was positive, and whether the result was valid or prorated.
export-in-when = The session number and phase it belonged to, and the date it was given.
export-out-title = What the file never holds
export-out = Names, dates of birth, user accounts, internal record numbers, and any text typed by a clinician: notes, formulations, relapse-prevention plans, diagnoses in words, reasons in words.
export-how-title = How the pseudonyms are made
export-pseudonyms = Each download uses a new random key, kept only while the file is written. Pseudonyms therefore differ from one file to the next, and two downloads cannot be joined: to follow patients over time, download a new, complete file.
export-audit = Each download is recorded in the audit log, with every patient record it read.
export-date-shift = Shift dates per patient
export-date-shift-hint = Moves all dates of a patient by the same random number of days (up to { $days } either way), different for each patient. Intervals between a patient's questionnaires stay exact.
export-download = Download CSV
export-cli = The same file can be made on the server with:
export-download-relationships = Download the relationships CSV
export-relationships-hint = The relationships file has one row per person of each closeness circle kept (at the start of the middle phase and at the end): relationship kind, ring, confidant, conflict, whether they have died and the self-expression rating (0–4), under a pseudonym per person so start and end can be paired. It holds no names.
