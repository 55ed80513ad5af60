-- Encrypted free text (#16). The keys themselves live outside the database (a key file or an
-- environment variable); this table keeps, per key id, only a check value (a known text sealed
-- with that key), so a start with a wrong key is refused. `retired_at` is set by
-- `ipt keys rotate` once no value is sealed with the key any more. `encryption_state` says
-- whether every sealed column has been sealed: until the first start after this migration, rows
-- written before it hold plaintext, which that start seals.
CREATE TABLE encryption_keys (
    key_id       TEXT PRIMARY KEY,
    check_value  TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    retired_at   TEXT
);
CREATE TABLE encryption_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    all_sealed  BOOLEAN NOT NULL
);
INSERT INTO encryption_state (id, all_sealed) VALUES (1, FALSE);
