-- Rejudges and their history: one row per rejudge, one per student it re-ran. The gradebook reads the
-- applied entries: an applied re-run stands in for the task it re-ran (see GradeChoice).
CREATE TABLE IF NOT EXISTS rejudge_summary (
    rejudge_id    uuid        PRIMARY KEY,
    assignment_id text        NOT NULL,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    scope         text        NOT NULL,
    suite_version text        NOT NULL,
    tasks         integer     NOT NULL,
    changed       integer,
    decision      text        NOT NULL,
    decided_by    text,
    decided_at    timestamptz
);

CREATE INDEX IF NOT EXISTS rejudge_summary_assignment ON rejudge_summary (assignment_id, created_at DESC);

CREATE TABLE IF NOT EXISTS rejudge_entry (
    rejudge_id  uuid        NOT NULL,
    user_id     text        NOT NULL,
    old_task_id uuid        NOT NULL,
    new_task_id uuid        NOT NULL,
    applied_at  timestamptz,
    PRIMARY KEY (rejudge_id, user_id)
);
