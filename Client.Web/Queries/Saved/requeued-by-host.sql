-- title: Requeued attempts by host
-- description: Attempts that went back in line, by the host that held them and the reason given, over the last days.
-- param: days integer 7 Days back
WITH phases AS (
    SELECT g.grain_key, p.value AS phase
    FROM grain_state g, jsonb_array_elements(g.state -> 'Phases') AS p(value)
    WHERE g.state_name = 'task'
      AND (p.value ->> 'At')::timestamptz > now() - make_interval(days => @days::int)
)
SELECT claimed.phase ->> 'Detail' AS host,
       requeued.phase ->> 'Detail' AS reason,
       count(*) AS attempts,
       count(DISTINCT requeued.grain_key) AS tasks,
       max((requeued.phase ->> 'At')::timestamptz) AS last_seen
FROM phases requeued
JOIN phases claimed ON claimed.grain_key = requeued.grain_key
                   AND claimed.phase ->> 'Phase' = 'claimed'
                   AND claimed.phase -> 'Attempt' = requeued.phase -> 'Attempt'
WHERE requeued.phase ->> 'Phase' = 'requeued'
GROUP BY 1, 2
ORDER BY attempts DESC, host
