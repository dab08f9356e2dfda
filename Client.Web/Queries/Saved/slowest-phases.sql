-- title: Slowest phases
-- description: How long each phase of an attempt lasted (until the next phase began), over the last days, slowest first.
-- param: days integer 7 Days back
WITH phases AS (
    SELECT p.value ->> 'Phase' AS phase,
           (p.value ->> 'At')::timestamptz AS started,
           lead((p.value ->> 'At')::timestamptz) OVER (PARTITION BY g.grain_key ORDER BY (p.value ->> 'At')::timestamptz, p.ordinality) AS ended
    FROM grain_state g, jsonb_array_elements(g.state -> 'Phases') WITH ORDINALITY AS p(value, ordinality)
    WHERE g.state_name = 'task'
)
SELECT phase,
       count(*) AS times,
       round(avg(extract(epoch FROM ended - started))::numeric, 2) AS mean_s,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM ended - started)))::numeric, 2) AS p95_s,
       round(max(extract(epoch FROM ended - started))::numeric, 2) AS max_s
FROM phases
WHERE ended IS NOT NULL AND started > now() - make_interval(days => @days::int)
GROUP BY phase
ORDER BY p95_s DESC
