-- Programme outcomes read only these columns of course_outcomes (PostgreSQL; lock-step with SQLite). A covering
-- index lets the summary scan the index alone, in time linear in the number of courses, instead
-- of looking each row up in the table.
DROP INDEX course_outcomes_instrument;
CREATE INDEX course_outcomes_summary ON course_outcomes (instrument, finals, baseline_total, latest_total);
