-- Sign-in sessions, personal API tokens and risk alerts (PostgreSQL; lock-step with SQLite).
-- Tokens are stored only as SHA-256 hashes. Alerts are never deleted.

CREATE TABLE web_sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

CREATE TABLE api_tokens (
    id            UUID PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE risk_alerts (
    id               UUID PRIMARY KEY,
    patient_id       UUID NOT NULL REFERENCES patients (id),
    course_id        UUID REFERENCES courses (id),
    assessment_id    UUID REFERENCES assessments (id),
    source           JSONB NOT NULL,
    raised_at        TIMESTAMPTZ NOT NULL,
    acknowledged_by  UUID REFERENCES users (id),
    acknowledged_at  TIMESTAMPTZ,
    action_note      TEXT,
    version          BIGINT NOT NULL
);
CREATE INDEX risk_alerts_patient ON risk_alerts (patient_id, raised_at);
CREATE INDEX risk_alerts_open ON risk_alerts (acknowledged_at);
