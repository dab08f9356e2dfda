-- The task queue, one row per waiting task and one per user who has been served. Queue partitions
-- write only the rows an operation touched, in batches, never the whole queue. A partition loads the
-- rows whose user_hash falls to it, so changing Queue:Partitions re-shards at the next start.

CREATE TABLE IF NOT EXISTS queue_entry (
    service_id  text        NOT NULL,
    task_id     uuid        NOT NULL,
    user_id     text        NOT NULL,
    user_hash   integer     NOT NULL,
    seq         bigint      NOT NULL,
    enqueued_at timestamptz NOT NULL,
    PRIMARY KEY (service_id, task_id)
);

-- last_served is the user's newest confirmed turn: the fairness rotation survives restarts.
CREATE TABLE IF NOT EXISTS queue_user (
    service_id  text    NOT NULL,
    user_id     text    NOT NULL,
    user_hash   integer NOT NULL,
    last_served bigint  NOT NULL,
    PRIMARY KEY (service_id, user_id)
);
