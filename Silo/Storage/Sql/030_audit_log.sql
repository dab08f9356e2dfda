-- What staff and admins did (saved and ad-hoc queries, and more to come), for the audit screen.
-- Rows are only added; the web tier never updates or deletes them.
CREATE TABLE IF NOT EXISTS audit_log (
    id     bigserial   PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    actor  text        NOT NULL,
    action text        NOT NULL,
    target text,
    detail text        NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_by_action ON audit_log (action, id DESC);
