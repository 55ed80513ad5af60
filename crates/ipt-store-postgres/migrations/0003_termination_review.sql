ALTER TABLE courses ADD COLUMN termination_review JSONB;
