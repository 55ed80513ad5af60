# Caseload signals: what calls for a clinician's attention, why, and where to act.

caseload-col-signals = Signals
caseload-filter-signals = With signals
signals-none = none

signal-open-alerts = Open risk alert
signal-open-alerts-why = { $n ->
    [one] One risk alert is waiting to be acknowledged.
   *[other] { $n } risk alerts are waiting to be acknowledged.
}
signal-open-alerts-act = Review the alerts

signal-reliable-deterioration = Reliable deterioration
signal-reliable-deterioration-why = { $instrument } went from { $baseline } at the start to { $latest } on { $date }: a change for the worse larger than measurement error.
signal-reliable-deterioration-why-points = { $instrument } went from { $baseline } at the start to { $latest } on { $date }; a change of { $points } points or more counts as reliable.
signal-reliable-deterioration-act = Review the measures

signal-not-on-track = Not on track
signal-not-on-track-why = { $instrument } has improved by { $percent } % since the start ({ $baseline } → { $latest }) with { $attended } of { $planned } sessions attended; early improvement is usually taken as { $threshold } % by mid-course.
signal-not-on-track-why-none = { $instrument } has not improved since the start ({ $baseline } → { $latest }) with { $attended } of { $planned } sessions attended; early improvement is usually taken as { $threshold } % by mid-course.
signal-not-on-track-act = Review progress

signal-measures-overdue = Measures overdue
signal-measures-overdue-baseline = Treatment has begun and no { $instrument } baseline has been recorded.
signal-measures-overdue-repeat = { $instrument } was last given on { $date } and is repeated every { $every } sessions; sessions attended since then: { $since }.
signal-measures-overdue-every-session = { $instrument } was last given on { $date } and is repeated every session; sessions attended since then: { $since }.
signal-measures-overdue-end = The course is ending and no end-of-treatment { $instrument } has been given.
signal-measures-overdue-act = Record a measure

signal-missed-sessions = Missed sessions
signal-missed-sessions-why = { $n } sessions missed in a row without notice, the latest on { $date }.
signal-missed-sessions-act = See the sessions

signal-contract-overrunning = Contract overrunning
signal-contract-overrunning-sessions = { $attended } sessions attended, { $contracted } contracted.
signal-contract-overrunning-date = The contract's end date was { $date }.
signal-contract-overrunning-act = Review the contract

signal-ending-discussion-due = Ending to discuss
signal-ending-discussion-due-sessions = { $attended } of { $planned } planned sessions attended, { $left } left.
signal-ending-discussion-due-date = The contract ends on { $date }, within four weeks.
signal-ending-discussion-due-why = The ending is best raised two to four sessions ahead: talk with the patient about finishing, and how they feel about it.
signal-ending-discussion-due-act = Plan the ending
