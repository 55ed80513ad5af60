-- The patient portal (SQLite; lock-step with PostgreSQL): invitations, a patient's own way back
-- in, portal sign-ins, assigned questionnaires and the interpersonal mood diary. Tokens, codes
-- and passphrases are stored only as hashes.

CREATE TABLE portal_invitations (
    id           BLOB PRIMARY KEY,
    patient_id   BLOB NOT NULL REFERENCES patients (id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   BLOB NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    accepted_at  TEXT
);
CREATE INDEX portal_invitations_patient ON portal_invitations (patient_id, created_at);

CREATE TABLE portal_access (
    patient_id       BLOB PRIMARY KEY REFERENCES patients (id),
    code_hash        TEXT NOT NULL UNIQUE,
    passphrase_hash  TEXT NOT NULL,
    set_at           TEXT NOT NULL
);

CREATE TABLE portal_sessions (
    token_hash    TEXT PRIMARY KEY,
    patient_id    BLOB NOT NULL REFERENCES patients (id),
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    kiosk_by      BLOB REFERENCES users (id)
);
CREATE INDEX portal_sessions_patient ON portal_sessions (patient_id);

CREATE TABLE questionnaire_assignments (
    id           BLOB PRIMARY KEY,
    course_id    BLOB NOT NULL REFERENCES courses (id),
    patient_id   BLOB NOT NULL REFERENCES patients (id),
    instrument   TEXT NOT NULL,
    schedule     TEXT NOT NULL CHECK (schedule IN ('once', 'before_each_session', 'weekly')),
    assigned_by  BLOB NOT NULL REFERENCES users (id),
    assigned_on  TEXT NOT NULL,
    ended_on     TEXT,
    version      INTEGER NOT NULL
);
CREATE INDEX questionnaire_assignments_course ON questionnaire_assignments (course_id);

CREATE TABLE diary_entries (
    id            BLOB PRIMARY KEY,
    course_id     BLOB NOT NULL REFERENCES courses (id),
    patient_id    BLOB NOT NULL REFERENCES patients (id),
    entry_date    TEXT NOT NULL,
    mood          INTEGER NOT NULL CHECK (mood BETWEEN 0 AND 10),
    interactions  TEXT NOT NULL,
    note          TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    version       INTEGER NOT NULL,
    UNIQUE (course_id, entry_date)
);

ALTER TABLE courses ADD COLUMN formulation_patient_wording TEXT NOT NULL DEFAULT '';

-- The language a user chose for the interface; NULL follows the browser.
ALTER TABLE users ADD COLUMN language TEXT;
