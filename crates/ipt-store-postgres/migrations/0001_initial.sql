-- IPT Workbench, initial schema (PostgreSQL). Kept in lock-step with the SQLite migration of
-- the same name. Clinical free text sits in its own columns so it can be encrypted later
-- without reshaping tables.

CREATE TABLE users (
    id             UUID PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'supervisor')),
    password_hash  TEXT NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    supervisor_id  UUID REFERENCES users (id),
    version        BIGINT NOT NULL
);

CREATE TABLE patients (
    id             UUID PRIMARY KEY,
    name           TEXT NOT NULL,
    date_of_birth  DATE,
    language       TEXT NOT NULL,
    clinician_id   UUID NOT NULL REFERENCES users (id),
    version        BIGINT NOT NULL
);
CREATE INDEX patients_clinician ON patients (clinician_id);

CREATE TABLE courses (
    id                       UUID PRIMARY KEY,
    patient_id               UUID NOT NULL REFERENCES patients (id),
    clinician_id             UUID NOT NULL REFERENCES users (id),
    format                   TEXT NOT NULL,
    status                   TEXT NOT NULL,
    end_reason               JSONB,
    phase_plan               JSONB NOT NULL,
    started_on               DATE NOT NULL,
    ended_on                 DATE,
    indication               JSONB NOT NULL,
    diagnosis                JSONB,
    focus                    JSONB,
    formulation_text         TEXT,
    formulation_accepted_on  DATE,
    contract                 JSONB,
    relapse_plan             JSONB,
    maintenance              JSONB,
    continues_course_id      UUID REFERENCES courses (id),
    version                  BIGINT NOT NULL
);
CREATE INDEX courses_patient ON courses (patient_id);
CREATE INDEX courses_clinician_status ON courses (clinician_id, status);

CREATE TABLE inventory_people (
    id                 UUID PRIMARY KEY,
    course_id          UUID NOT NULL REFERENCES courses (id),
    alias              TEXT NOT NULL,
    relationship       TEXT NOT NULL,
    ring               BIGINT NOT NULL CHECK (ring BETWEEN 0 AND 3),
    contact_frequency  TEXT NOT NULL,
    confidant          BOOLEAN NOT NULL,
    practical_support  BOOLEAN NOT NULL,
    conflict           TEXT NOT NULL,
    reciprocity        TEXT NOT NULL,
    deceased           BOOLEAN NOT NULL,
    area_tags          JSONB NOT NULL,
    notes              JSONB NOT NULL,
    version            BIGINT NOT NULL
);
CREATE INDEX inventory_people_course ON inventory_people (course_id);

CREATE TABLE inventory_snapshots (
    id         UUID PRIMARY KEY,
    course_id  UUID NOT NULL REFERENCES courses (id),
    kind       TEXT NOT NULL CHECK (kind IN ('start', 'end')),
    taken_on   DATE NOT NULL,
    people     JSONB NOT NULL
);
CREATE INDEX inventory_snapshots_course ON inventory_snapshots (course_id);

CREATE TABLE timeline_events (
    id           UUID PRIMARY KEY,
    course_id    UUID NOT NULL REFERENCES courses (id),
    event_date   TEXT NOT NULL,
    sort_date    DATE NOT NULL,
    kind         TEXT NOT NULL,
    person_id    UUID REFERENCES inventory_people (id),
    description  TEXT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX timeline_events_course ON timeline_events (course_id);

CREATE TABLE mood_episodes (
    id          UUID PRIMARY KEY,
    course_id   UUID NOT NULL REFERENCES courses (id),
    onset       TEXT NOT NULL,
    end_date    TEXT,
    severity    TEXT NOT NULL,
    is_current  BOOLEAN NOT NULL,
    version     BIGINT NOT NULL
);
CREATE INDEX mood_episodes_course ON mood_episodes (course_id);

CREATE TABLE therapy_sessions (
    id                     UUID PRIMARY KEY,
    course_id              UUID NOT NULL REFERENCES courses (id),
    number                 BIGINT NOT NULL,
    session_date           DATE NOT NULL,
    phase                  TEXT NOT NULL,
    phase_override_reason  TEXT,
    modality               TEXT NOT NULL,
    attendance             TEXT NOT NULL,
    special                TEXT,
    techniques             JSONB NOT NULL,
    strategies             JSONB NOT NULL,
    tasks_done             JSONB NOT NULL,
    checklist              JSONB NOT NULL,
    interval_events        TEXT NOT NULL,
    agreed_actions         TEXT NOT NULL,
    risk_reviewed          BOOLEAN NOT NULL,
    risk_concern           BOOLEAN NOT NULL,
    risk_note              TEXT NOT NULL,
    notes                  TEXT  NOT NULL,
    next_date              DATE,
    version                BIGINT NOT NULL,
    UNIQUE (course_id, number)
);

CREATE TABLE goals (
    id           UUID PRIMARY KEY,
    course_id    UUID NOT NULL REFERENCES courses (id),
    area         TEXT NOT NULL,
    description  TEXT NOT NULL,
    progress     BIGINT CHECK (progress BETWEEN 0 AND 10),
    status       TEXT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX goals_course ON goals (course_id);

CREATE TABLE assessments (
    id               UUID PRIMARY KEY,
    patient_id       UUID NOT NULL REFERENCES patients (id),
    course_id        UUID REFERENCES courses (id),
    session_id       UUID REFERENCES therapy_sessions (id),
    instrument       TEXT NOT NULL,
    answers          JSONB NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    mode             TEXT NOT NULL,
    administered_at  TIMESTAMPTZ NOT NULL,
    phase            TEXT,
    result           JSONB,
    total            DOUBLE PRECISION,
    severity         TEXT,
    risk             BOOLEAN NOT NULL,
    version          BIGINT NOT NULL,
    CHECK (status = 'draft' OR result IS NOT NULL)
);
CREATE INDEX assessments_course ON assessments (course_id, administered_at);
CREATE INDEX assessments_patient ON assessments (patient_id);

CREATE TABLE audit_events (
    id          UUID PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    UUID,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   UUID NOT NULL,
    patient_id  UUID
);
CREATE INDEX audit_events_patient ON audit_events (patient_id, at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);
