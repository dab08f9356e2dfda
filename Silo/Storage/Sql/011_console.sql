-- Points per scenario of a task's last attempt, as {"scenario": {"points": n, "max": n, "outcome": "Passed"}},
-- so the gradebook has one column per scenario without re-adding step rows (setup and teardown excluded).
ALTER TABLE task_summary ADD COLUMN IF NOT EXISTS scenario_scores jsonb;

-- Archived assignments stay listed for staff and disappear for students.
ALTER TABLE assignment_summary ADD COLUMN IF NOT EXISTS archived boolean NOT NULL DEFAULT false;
