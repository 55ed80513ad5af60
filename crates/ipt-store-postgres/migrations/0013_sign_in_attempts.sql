-- Attempts at secrets (passwords, portal codes and passphrases, invitation links, API tokens),
-- counted by the sign-in throttle so that every instance shares them and a restart forgets
-- nothing. `key` is a SHA-256 hash (hex) of the kind of secret and what it names; no username,
-- code or address is stored. Windows are in seconds since 1970 (UTC).
CREATE TABLE sign_in_attempts (
    key           TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    attempts      BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_window ON sign_in_attempts (window_start);
