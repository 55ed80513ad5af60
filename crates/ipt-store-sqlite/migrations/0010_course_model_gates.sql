-- (SQLite; lock-step with PostgreSQL.)
-- Every focus chosen for a course, oldest first, with its day and reason (a JSON array of
-- {areas, chosen_on, reason}). Courses saved before this kept no history: theirs starts empty,
-- and the current focus stays in `focus`.
ALTER TABLE courses ADD COLUMN focus_history TEXT NOT NULL DEFAULT '[]';
