-- (PostgreSQL; lock-step with SQLite.)
-- 1. The language a patient picks for their portal pages is their own display preference: it
--    is kept apart from the clinical record's language (patients.language), which decides the
--    language of the record's documents and of the questionnaires assigned to them.
CREATE TABLE portal_preferences (
    patient_id  UUID PRIMARY KEY REFERENCES patients (id),
    language    TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- 2. Closeness snapshots now keep whether a person had died and whether the relationship carried
--    conflict, as the circle draws them. Snapshots taken before kept neither: fill both from the
--    inventory where the person is still in it, marked "backfilled" so the views say the values
--    were added later; people no longer in the inventory stay without them ("not recorded").
UPDATE inventory_snapshots AS s
SET people = (
    SELECT COALESCE(
        jsonb_agg(
            CASE
                WHEN ip.id IS NULL OR e.value ? 'deceased' THEN e.value
                ELSE e.value || jsonb_build_object(
                    'conflict', ip.conflict,
                    'deceased', ip.deceased,
                    'backfilled', true
                )
            END
            ORDER BY e.ord
        ),
        '[]'::jsonb
    )
    FROM jsonb_array_elements(s.people) WITH ORDINALITY AS e (value, ord)
    LEFT JOIN inventory_people AS ip
        ON ip.course_id = s.course_id
       AND ip.id::text = e.value ->> 'person'
)
WHERE jsonb_array_length(s.people) > 0;
