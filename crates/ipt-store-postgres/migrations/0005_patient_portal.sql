-- The patient portal (PostgreSQL; lock-step with SQLite): invitations, a patient's own way back
-- in, portal sign-ins, assigned questionnaires and the interpersonal mood diary. Tokens, codes
-- and passphrases are stored only as hashes.

CREATE TABLE portal_invitations (
    id           UUID PRIMARY KEY,
    patient_id   UUID NOT NULL REFERENCES patients (id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   UUID NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    accepted_at  TIMESTAMPTZ
);
CREATE INDEX portal_invitations_patient ON portal_invitations (patient_id, created_at);

CREATE TABLE portal_access (
    patient_id       UUID PRIMARY KEY REFERENCES patients (id),
    code_hash        TEXT NOT NULL UNIQUE,
    passphrase_hash  TEXT NOT NULL,
    set_at           TIMESTAMPTZ NOT NULL
);

CREATE TABLE portal_sessions (
    token_hash    TEXT PRIMARY KEY,
    patient_id    UUID NOT NULL REFERENCES patients (id),
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    kiosk_by      UUID REFERENCES users (id)
);
CREATE INDEX portal_sessions_patient ON portal_sessions (patient_id);

CREATE TABLE questionnaire_assignments (
    id           UUID PRIMARY KEY,
    course_id    UUID NOT NULL REFERENCES courses (id),
    patient_id   UUID NOT NULL REFERENCES patients (id),
    instrument   TEXT NOT NULL,
    schedule     TEXT NOT NULL CHECK (schedule IN ('once', 'before_each_session', 'weekly')),
    assigned_by  UUID NOT NULL REFERENCES users (id),
    assigned_on  DATE NOT NULL,
    ended_on     DATE,
    version      BIGINT NOT NULL
);
CREATE INDEX questionnaire_assignments_course ON questionnaire_assignments (course_id);

CREATE TABLE diary_entries (
    id            UUID PRIMARY KEY,
    course_id     UUID NOT NULL REFERENCES courses (id),
    patient_id    UUID NOT NULL REFERENCES patients (id),
    entry_date    DATE NOT NULL,
    mood          BIGINT NOT NULL CHECK (mood BETWEEN 0 AND 10),
    interactions  JSONB NOT NULL,
    note          TEXT NOT NULL,
    recorded_at   TIMESTAMPTZ NOT NULL,
    version       BIGINT NOT NULL,
    UNIQUE (course_id, entry_date)
);

ALTER TABLE courses ADD COLUMN formulation_patient_wording TEXT NOT NULL DEFAULT '';

-- The language a user chose for the interface; NULL follows the browser.
ALTER TABLE users ADD COLUMN language TEXT;
