-- The read model: one row per task and per step verdict, for lists, filters, dashboards and exports.
-- Task grains write it at every transition; a row only moves forward (revision), so a late or repeated
-- write never overwrites a newer one.

CREATE TABLE IF NOT EXISTS task_summary (
    task_id         uuid PRIMARY KEY,
    revision        bigint      NOT NULL,
    user_id         text        NOT NULL,
    assignment_id   text        NOT NULL,
    image           text        NOT NULL,
    include_private boolean     NOT NULL,
    source          text        NOT NULL,
    status          text        NOT NULL,
    attempt         integer     NOT NULL,
    host            text,
    end_reason      text,
    message         text,
    score           numeric     NOT NULL,
    max_score       numeric     NOT NULL,
    steps_passed    integer     NOT NULL,
    steps_failed    integer     NOT NULL,
    steps_error     integer     NOT NULL,
    steps_blocked   integer     NOT NULL,
    image_digest    text,
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS task_summary_by_assignment ON task_summary (assignment_id, created_at DESC);
CREATE INDEX IF NOT EXISTS task_summary_by_user ON task_summary (user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS task_summary_by_status ON task_summary (status, created_at DESC);

CREATE TABLE IF NOT EXISTS step_verdict (
    task_id     uuid             NOT NULL REFERENCES task_summary (task_id) ON DELETE CASCADE,
    attempt     integer          NOT NULL,
    scenario_id text             NOT NULL,
    step_index  integer          NOT NULL,
    title       text             NOT NULL,
    is_private  boolean          NOT NULL,
    outcome     text             NOT NULL,
    points      numeric          NOT NULL,
    max_points  numeric          NOT NULL,
    status_code integer,
    duration_ms double precision NOT NULL,
    message     text,
    reported_at timestamptz      NOT NULL,
    PRIMARY KEY (task_id, attempt, scenario_id, step_index)
);
CREATE INDEX IF NOT EXISTS step_verdict_by_outcome ON step_verdict (outcome, reported_at DESC);

-- Assignments by id and title, for lists and the submit form (grain state alone cannot be listed).
CREATE TABLE IF NOT EXISTS assignment_summary (
    assignment_id text PRIMARY KEY,
    title         text        NOT NULL,
    database_mode text        NOT NULL,
    scenarios     integer     NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
