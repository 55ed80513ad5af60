-- Supervisors' comments on courses (PostgreSQL; lock-step with SQLite). Never edited or deleted.
CREATE TABLE supervisor_comments (
    id          UUID PRIMARY KEY,
    course_id   UUID NOT NULL REFERENCES courses (id),
    session_id  UUID REFERENCES therapy_sessions (id),
    author_id   UUID NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    written_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX supervisor_comments_course ON supervisor_comments (course_id, written_at);
