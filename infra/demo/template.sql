-- The demo assignment's template database: every task gets a fresh copy of it.
CREATE TABLE IF NOT EXISTS items (
    id         serial PRIMARY KEY,
    name       text NOT NULL,
    tags       text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO items (id, name, tags, created_at)
SELECT 1, 'PostgreSQL in Action', ARRAY['db', 'book'], '2024-09-01T10:00:00Z'
WHERE NOT EXISTS (SELECT 1 FROM items WHERE id = 1);
INSERT INTO items (id, name, tags, created_at)
SELECT 2, 'Orleans Notes', ARRAY['actors'], '2024-09-02T10:00:00Z'
WHERE NOT EXISTS (SELECT 1 FROM items WHERE id = 2);
SELECT setval('items_id_seq', 100);
