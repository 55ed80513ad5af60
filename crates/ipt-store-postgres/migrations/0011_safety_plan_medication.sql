-- (PostgreSQL; lock-step with SQLite.)
-- The course's safety plan (a JSON object of its parts and the day it was written; none until
-- one is written) and its medication record (a JSON array of changes, oldest first).
ALTER TABLE courses ADD COLUMN safety_plan JSONB;
ALTER TABLE courses ADD COLUMN medication JSONB NOT NULL DEFAULT '[]';
