-- The staff assignment list pages by (created_at, assignment_id): a key that, unlike updated_at, does not
-- move when an assignment is edited. Rows that exist already all get the migration's time; the id breaks the tie.
ALTER TABLE assignment_summary ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();
