-- Supervisors' comments on courses (SQLite; lock-step with PostgreSQL). Never edited or deleted.
CREATE TABLE supervisor_comments (
    id          BLOB PRIMARY KEY,
    course_id   BLOB NOT NULL REFERENCES courses (id),
    session_id  BLOB REFERENCES therapy_sessions (id),
    author_id   BLOB NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    written_at  TEXT NOT NULL
);
CREATE INDEX supervisor_comments_course ON supervisor_comments (course_id, written_at);
