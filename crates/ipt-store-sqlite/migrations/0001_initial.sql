-- IPT Workbench, initial schema (SQLite). Kept in lock-step with the PostgreSQL migration of
-- the same name. Clinical free text sits in its own columns so it can be encrypted later
-- without reshaping tables.

CREATE TABLE users (
    id             BLOB PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'supervisor')),
    password_hash  TEXT NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT 1,
    supervisor_id  BLOB REFERENCES users (id),
    version        INTEGER NOT NULL
);

CREATE TABLE patients (
    id             BLOB PRIMARY KEY,
    name           TEXT NOT NULL,
    date_of_birth  TEXT,
    language       TEXT NOT NULL,
    clinician_id   BLOB NOT NULL REFERENCES users (id),
    version        INTEGER NOT NULL
);
CREATE INDEX patients_clinician ON patients (clinician_id);

CREATE TABLE courses (
    id                       BLOB PRIMARY KEY,
    patient_id               BLOB NOT NULL REFERENCES patients (id),
    clinician_id             BLOB NOT NULL REFERENCES users (id),
    format                   TEXT NOT NULL,
    status                   TEXT NOT NULL,
    end_reason               TEXT,
    phase_plan               TEXT NOT NULL,
    started_on               TEXT NOT NULL,
    ended_on                 TEXT,
    indication               TEXT NOT NULL,
    diagnosis                TEXT,
    focus                    TEXT,
    formulation_text         TEXT,
    formulation_accepted_on  TEXT,
    contract                 TEXT,
    relapse_plan             TEXT,
    maintenance              TEXT,
    continues_course_id      BLOB REFERENCES courses (id),
    version                  INTEGER NOT NULL
);
CREATE INDEX courses_patient ON courses (patient_id);
CREATE INDEX courses_clinician_status ON courses (clinician_id, status);

CREATE TABLE inventory_people (
    id                 BLOB PRIMARY KEY,
    course_id          BLOB NOT NULL REFERENCES courses (id),
    alias              TEXT NOT NULL,
    relationship       TEXT NOT NULL,
    ring               INTEGER NOT NULL CHECK (ring BETWEEN 0 AND 3),
    contact_frequency  TEXT NOT NULL,
    confidant          BOOLEAN NOT NULL,
    practical_support  BOOLEAN NOT NULL,
    conflict           TEXT NOT NULL,
    reciprocity        TEXT NOT NULL,
    deceased           BOOLEAN NOT NULL,
    area_tags          TEXT NOT NULL,
    notes              TEXT NOT NULL,
    version            INTEGER NOT NULL
);
CREATE INDEX inventory_people_course ON inventory_people (course_id);

CREATE TABLE inventory_snapshots (
    id         BLOB PRIMARY KEY,
    course_id  BLOB NOT NULL REFERENCES courses (id),
    kind       TEXT NOT NULL CHECK (kind IN ('start', 'end')),
    taken_on   TEXT NOT NULL,
    people     TEXT NOT NULL
);
CREATE INDEX inventory_snapshots_course ON inventory_snapshots (course_id);

CREATE TABLE timeline_events (
    id           BLOB PRIMARY KEY,
    course_id    BLOB NOT NULL REFERENCES courses (id),
    event_date   TEXT NOT NULL,
    sort_date    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    person_id    BLOB REFERENCES inventory_people (id),
    description  TEXT NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX timeline_events_course ON timeline_events (course_id);

CREATE TABLE mood_episodes (
    id          BLOB PRIMARY KEY,
    course_id   BLOB NOT NULL REFERENCES courses (id),
    onset       TEXT NOT NULL,
    end_date    TEXT,
    severity    TEXT NOT NULL,
    is_current  BOOLEAN NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX mood_episodes_course ON mood_episodes (course_id);

CREATE TABLE therapy_sessions (
    id                     BLOB PRIMARY KEY,
    course_id              BLOB NOT NULL REFERENCES courses (id),
    number                 INTEGER NOT NULL,
    session_date           TEXT NOT NULL,
    phase                  TEXT NOT NULL,
    phase_override_reason  TEXT,
    modality               TEXT NOT NULL,
    attendance             TEXT NOT NULL,
    special                TEXT,
    techniques             TEXT NOT NULL,
    strategies             TEXT NOT NULL,
    tasks_done             TEXT NOT NULL,
    checklist              TEXT NOT NULL,
    interval_events        TEXT NOT NULL,
    agreed_actions         TEXT NOT NULL,
    risk_reviewed          BOOLEAN NOT NULL,
    risk_concern           BOOLEAN NOT NULL,
    risk_note              TEXT NOT NULL,
    notes                  TEXT NOT NULL,
    next_date              TEXT,
    version                INTEGER NOT NULL,
    UNIQUE (course_id, number)
);

CREATE TABLE goals (
    id           BLOB PRIMARY KEY,
    course_id    BLOB NOT NULL REFERENCES courses (id),
    area         TEXT NOT NULL,
    description  TEXT NOT NULL,
    progress     INTEGER CHECK (progress BETWEEN 0 AND 10),
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX goals_course ON goals (course_id);

CREATE TABLE assessments (
    id               BLOB PRIMARY KEY,
    patient_id       BLOB NOT NULL REFERENCES patients (id),
    course_id        BLOB REFERENCES courses (id),
    session_id       BLOB REFERENCES therapy_sessions (id),
    instrument       TEXT NOT NULL,
    answers          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    mode             TEXT NOT NULL,
    administered_at  TEXT NOT NULL,
    phase            TEXT,
    result           TEXT,
    total            REAL,
    severity         TEXT,
    risk             BOOLEAN NOT NULL,
    version          INTEGER NOT NULL,
    CHECK (status = 'draft' OR result IS NOT NULL)
);
CREATE INDEX assessments_course ON assessments (course_id, administered_at);
CREATE INDEX assessments_patient ON assessments (patient_id);

CREATE TABLE audit_events (
    id          BLOB PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    BLOB,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   BLOB NOT NULL,
    patient_id  BLOB
);
CREATE INDEX audit_events_patient ON audit_events (patient_id, at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);
