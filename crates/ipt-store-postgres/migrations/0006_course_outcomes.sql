-- Per-course outcome rows (PostgreSQL; lock-step with SQLite): the first (baseline) and latest final total of
-- each outcome instrument, kept up to date in the transaction that stores a final assessment.
-- Outcome analytics read one row per course instead of every assessment.
CREATE TABLE course_outcomes (
    course_id       UUID NOT NULL REFERENCES courses (id),
    instrument      TEXT NOT NULL,
    baseline_total  DOUBLE PRECISION NOT NULL,
    baseline_at     TIMESTAMPTZ NOT NULL,
    latest_total    DOUBLE PRECISION NOT NULL,
    latest_at       TIMESTAMPTZ NOT NULL,
    finals          BIGINT NOT NULL,
    PRIMARY KEY (course_id, instrument)
);
CREATE INDEX course_outcomes_instrument ON course_outcomes (instrument, finals);

-- Rows for the assessments already stored.
INSERT INTO course_outcomes (course_id, instrument, baseline_total, baseline_at, latest_total, latest_at, finals)
SELECT a.course_id, a.instrument,
       (SELECT b.total FROM assessments b
         WHERE b.course_id = a.course_id AND b.instrument = a.instrument
           AND b.status = 'final' AND b.total IS NOT NULL
         ORDER BY b.administered_at, b.id LIMIT 1),
       MIN(a.administered_at),
       (SELECT b.total FROM assessments b
         WHERE b.course_id = a.course_id AND b.instrument = a.instrument
           AND b.status = 'final' AND b.total IS NOT NULL
         ORDER BY b.administered_at DESC, b.id DESC LIMIT 1),
       MAX(a.administered_at),
       COUNT(*)
FROM assessments a
WHERE a.status = 'final' AND a.course_id IS NOT NULL AND a.total IS NOT NULL
  AND a.instrument NOT IN ('session_mood', 'goal_progress')
GROUP BY a.course_id, a.instrument;
