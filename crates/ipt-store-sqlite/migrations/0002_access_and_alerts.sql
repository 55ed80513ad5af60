-- Sign-in sessions, personal API tokens and risk alerts (SQLite; lock-step with PostgreSQL).
-- Tokens are stored only as SHA-256 hashes. Alerts are never deleted.

CREATE TABLE web_sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       BLOB NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

CREATE TABLE api_tokens (
    id            BLOB PRIMARY KEY,
    user_id       BLOB NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT,
    last_used_at  TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE risk_alerts (
    id               BLOB PRIMARY KEY,
    patient_id       BLOB NOT NULL REFERENCES patients (id),
    course_id        BLOB REFERENCES courses (id),
    assessment_id    BLOB REFERENCES assessments (id),
    source           TEXT NOT NULL,
    raised_at        TEXT NOT NULL,
    acknowledged_by  BLOB REFERENCES users (id),
    acknowledged_at  TEXT,
    action_note      TEXT,
    version          INTEGER NOT NULL
);
CREATE INDEX risk_alerts_patient ON risk_alerts (patient_id, raised_at);
CREATE INDEX risk_alerts_open ON risk_alerts (acknowledged_at);
