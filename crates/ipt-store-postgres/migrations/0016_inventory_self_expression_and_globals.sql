-- (PostgreSQL; lock-step with SQLite.)
-- The per-relationship self-expression rating of the interpersonal inventory (#21): how easy
-- the patient finds it to tell this person what they need, 0 (very hard) to 4 (easy); none
-- until asked. Snapshots keep it inside their sealed JSON.
ALTER TABLE inventory_people ADD COLUMN self_expression BIGINT CHECK (self_expression BETWEEN 0 AND 4);
-- The inventory's global fields at the start and the end of a course (reference §3.2), one
-- sealed JSON value; NULL while neither is recorded.
ALTER TABLE courses ADD COLUMN inventory_globals TEXT;
