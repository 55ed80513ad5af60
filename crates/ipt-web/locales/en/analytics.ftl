# Programme outcomes (supervisors and administrators).
nav-analytics = Outcomes
analytics-title = Programme outcomes
analytics-intro = How courses in this programme changed, measured by each questionnaire from the first result of a course to its latest. These are counts across all courses; they describe the service, not any one patient.
analytics-empty = No course has two results of an outcome questionnaire yet.
analytics-caption = Outcomes by questionnaire
analytics-col-instrument = Questionnaire
analytics-col-courses = Courses counted
analytics-col-response = Response
analytics-col-remission = Remission
analytics-col-improved = Reliable improvement
analytics-col-deteriorated = Reliable deterioration
analytics-col-rules = Rules used
analytics-share = { $percent } % ({ $n })
analytics-rules = response: a fall of at least { $response } %; remission: latest total at most { $remission }; reliable change: at least { $rci } points; courses starting below { $baseline } are not counted
analytics-which-courses = A course is counted for a questionnaire once it has a first result at or above the starting threshold and at least one later result. Courses still running count with their latest result so far.
analytics-not-summarised = Not summarised here (no lower-is-better change rule):
analytics-json = The same figures as JSON
