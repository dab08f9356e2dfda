-- Slots in use per host over time, for the staff charts. Each runner host writes one sample per interval
-- and deletes its own samples past the retention (HostSlotSampler), so the table stays bounded.
CREATE TABLE IF NOT EXISTS host_slot_sample (
    host       text        NOT NULL,
    sampled_at timestamptz NOT NULL,
    slots      integer     NOT NULL,
    in_use     integer     NOT NULL,
    PRIMARY KEY (host, sampled_at)
);
CREATE INDEX IF NOT EXISTS host_slot_sample_by_time ON host_slot_sample (sampled_at);

-- Past evaluations, for the staff list. The evaluation grain writes a row and its task ids when it starts;
-- progress and the end come from those tasks' task_summary rows, which the task grains keep current.
CREATE TABLE IF NOT EXISTS evaluation_summary (
    evaluation_id uuid        PRIMARY KEY,
    assignment_id text        NOT NULL,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    tasks         integer     NOT NULL,
    rejected      integer     NOT NULL
);
CREATE INDEX IF NOT EXISTS evaluation_summary_by_time ON evaluation_summary (created_at DESC, evaluation_id DESC);

CREATE TABLE IF NOT EXISTS evaluation_task (
    evaluation_id uuid NOT NULL REFERENCES evaluation_summary (evaluation_id) ON DELETE CASCADE,
    task_id       uuid NOT NULL,
    PRIMARY KEY (evaluation_id, task_id)
);

-- Keyset paging of the task list: (created_at, task_id) is the stable order.
CREATE INDEX IF NOT EXISTS task_summary_by_time ON task_summary (created_at DESC, task_id DESC);
