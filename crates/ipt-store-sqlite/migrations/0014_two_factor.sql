-- Two-factor sign-in for staff (TOTP, RFC 6238). One secret per account, pending (enabled_at
-- NULL) until its first code is given; `last_step` is the 30-second step of the last code
-- accepted, so that no code works twice. Recovery codes are one-time and kept only as SHA-256
-- hashes. A sign-in challenge is a password checked, the second factor still to come; only the
-- hash of its cookie's token is kept.
CREATE TABLE user_second_factors (
    user_id     BLOB PRIMARY KEY REFERENCES users (id),
    secret      TEXT NOT NULL,
    enabled_at  TEXT,
    last_step   INTEGER
);
CREATE TABLE recovery_codes (
    code_hash  TEXT PRIMARY KEY,
    user_id    BLOB NOT NULL REFERENCES users (id),
    used_at    TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
CREATE TABLE sign_in_challenges (
    token_hash  TEXT PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id),
    expires_at  TEXT NOT NULL
);
CREATE INDEX sign_in_challenges_expiry ON sign_in_challenges (expires_at);
