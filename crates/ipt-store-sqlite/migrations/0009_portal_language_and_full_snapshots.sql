-- (SQLite; lock-step with PostgreSQL.)
-- 1. The language a patient picks for their portal pages is their own display preference: it
--    is kept apart from the clinical record's language (patients.language), which decides the
--    language of the record's documents and of the questionnaires assigned to them.
CREATE TABLE portal_preferences (
    patient_id  BLOB PRIMARY KEY REFERENCES patients (id),
    language    TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- 2. Closeness snapshots now keep whether a person had died and whether the relationship carried
--    conflict, as the circle draws them. Snapshots taken before kept neither: fill both from the
--    inventory where the person is still in it, marked "backfilled" so the views say the values
--    were added later; people no longer in the inventory stay without them ("not recorded").
UPDATE inventory_snapshots
SET people = (
    SELECT json_group_array(
        CASE
            WHEN ip.id IS NULL OR json_extract(j.value, '$.deceased') IS NOT NULL THEN json(j.value)
            ELSE json_set(
                j.value,
                '$.conflict', ip.conflict,
                '$.deceased', json(CASE WHEN ip.deceased THEN 'true' ELSE 'false' END),
                '$.backfilled', json('true')
            )
        END
    )
    FROM json_each(inventory_snapshots.people) AS j
    LEFT JOIN inventory_people AS ip
        ON ip.course_id = inventory_snapshots.course_id
       AND lower(hex(ip.id)) = replace(json_extract(j.value, '$.person'), '-', '')
)
WHERE json_array_length(people) > 0;
