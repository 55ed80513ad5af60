-- Encrypted free text (#16). The keys themselves live outside the database (a key file or an
-- environment variable); this table keeps, per key id, only a check value (a known text sealed
-- with that key), so a start with a wrong key is refused. `retired_at` is set by
-- `ipt keys rotate` once no value is sealed with the key any more. `encryption_state` says
-- whether every sealed column has been sealed: until the first start after this migration, rows
-- written before it hold plaintext, which that start seals.
CREATE TABLE encryption_keys (
    key_id       TEXT PRIMARY KEY,
    check_value  TEXT NOT NULL,
    added_at     TIMESTAMPTZ NOT NULL,
    retired_at   TIMESTAMPTZ
);
CREATE TABLE encryption_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    all_sealed  BOOLEAN NOT NULL
);
INSERT INTO encryption_state (id, all_sealed) VALUES (1, FALSE);

-- A sealed value is text (`ipt1.<key id>.<base64url>`), not JSON: the JSON columns that hold
-- free text become TEXT, keeping what they hold as JSON text until it is sealed.
ALTER TABLE courses
    ALTER COLUMN end_reason TYPE TEXT USING end_reason::text,
    ALTER COLUMN indication TYPE TEXT USING indication::text,
    ALTER COLUMN diagnosis TYPE TEXT USING diagnosis::text,
    ALTER COLUMN focus TYPE TEXT USING focus::text,
    ALTER COLUMN focus_history DROP DEFAULT,
    ALTER COLUMN focus_history TYPE TEXT USING focus_history::text,
    ALTER COLUMN contract TYPE TEXT USING contract::text,
    ALTER COLUMN relapse_plan TYPE TEXT USING relapse_plan::text,
    ALTER COLUMN maintenance TYPE TEXT USING maintenance::text,
    ALTER COLUMN termination_review TYPE TEXT USING termination_review::text,
    ALTER COLUMN safety_plan TYPE TEXT USING safety_plan::text,
    ALTER COLUMN medication DROP DEFAULT,
    ALTER COLUMN medication TYPE TEXT USING medication::text;
ALTER TABLE inventory_people ALTER COLUMN notes TYPE TEXT USING notes::text;
ALTER TABLE inventory_snapshots ALTER COLUMN people TYPE TEXT USING people::text;
ALTER TABLE diary_entries ALTER COLUMN interactions TYPE TEXT USING interactions::text;
