-- A supervisor's caseload finds their clinicians by this index (Store::supervisees), not by
-- reading every account: a national programme has tens of thousands.
CREATE INDEX users_supervisor ON users (supervisor_id);
