-- (SQLite; lock-step with PostgreSQL.)
-- The audit trail becomes a hash chain (#16): each row gets its place in commit order (`seq`,
-- gap-free from 1), the hash of the row before it and its own hash,
-- SHA-256(prev_hash || the row's fields). `audit_chain` is the chain's head (its newest row),
-- updated in the transaction of every append, and the boundary of pruning (the last row
-- pruned), from which verification starts. See docs/architecture.md, "The audit chain".
ALTER TABLE audit_events ADD COLUMN seq INTEGER;
ALTER TABLE audit_events ADD COLUMN prev_hash BLOB;
ALTER TABLE audit_events ADD COLUMN hash BLOB;
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);

CREATE TABLE audit_chain (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    seq          INTEGER NOT NULL,
    hash         BLOB NOT NULL,
    pruned_seq   INTEGER NOT NULL,
    pruned_hash  BLOB NOT NULL,
    -- Rows 1 to `unsealed` were numbered by this migration and are hashed by the store right
    -- after it (SQL has no SHA-256 on SQLite); 0 once done. No other row is ever hashed late.
    unsealed     INTEGER NOT NULL
);

-- The rows written before the chain, in the order of their time.
UPDATE audit_events SET seq = r.n
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY at, id) AS n FROM audit_events) AS r
WHERE r.id = audit_events.id;

INSERT INTO audit_chain (id, seq, hash, pruned_seq, pruned_hash, unsealed)
SELECT 1, COUNT(*), zeroblob(32), 0, zeroblob(32), COUNT(*) FROM audit_events;
