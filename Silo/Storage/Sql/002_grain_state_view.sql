-- Grain state as jsonb for staff: SELECT * FROM grain_state WHERE state_name = 'task' AND state->>'Status' = 'Failed'.

-- A Guid key is stored as two bigints holding the bytes of .NET's Guid.ToByteArray(), little-endian;
-- this puts them back in the usual text order.
CREATE OR REPLACE FUNCTION grader_guid_key(n0 bigint, n1 bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT (substr(h0, 9, 8) || substr(h0, 5, 4) || substr(h0, 1, 4)
            || substr(h1, 15, 2) || substr(h1, 13, 2) || substr(h1, 11, 2) || substr(h1, 9, 2)
            || substr(h1, 7, 2) || substr(h1, 5, 2) || substr(h1, 3, 2) || substr(h1, 1, 2))::uuid
    FROM (SELECT encode(int8send(n0), 'hex') AS h0, encode(int8send(n1), 'hex') AS h1) AS hex
$fn$;

-- jsonb cannot hold U+0000, which System.Text.Json writes as \u0000 when a stored string (a student's
-- response body, say) contains a NUL byte. The view shows such a character as U+2400 (the symbol for
-- NUL) instead of failing the whole query; an escaped backslash before "u0000" is left alone. The
-- stored payload is not changed, so the grains still read back the exact string.
CREATE OR REPLACE FUNCTION grader_jsonb_text(payload bytea) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT CASE WHEN position('\u0000' IN t) = 0 THEN t::jsonb
                ELSE regexp_replace(t, '(?<!\\)((?:\\\\)*)\\u0000', '\1\\u2400', 'g')::jsonb END
    FROM (SELECT convert_from(payload, 'UTF8') AS t) AS text_form
$fn$;

CREATE OR REPLACE VIEW grain_state AS
SELECT s.serviceid AS service_id,
       s.graintypestring AS state_name,
       CASE
           WHEN s.grainidn0 = 0 AND s.grainidn1 = 0 AND s.grainidextensionstring IS NOT NULL THEN s.grainidextensionstring
           WHEN s.grainidn0 = 0 THEN s.grainidn1::text || coalesce('+' || s.grainidextensionstring, '')
           ELSE grader_guid_key(s.grainidn0, s.grainidn1)::text || coalesce('+' || s.grainidextensionstring, '')
       END AS grain_key,
       grader_jsonb_text(s.payloadbinary) AS state,
       s.version,
       s.modifiedon AS modified_at
FROM orleansstorage s
WHERE s.payloadbinary IS NOT NULL;
