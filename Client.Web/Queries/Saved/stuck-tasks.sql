-- title: Stuck tasks
-- description: Tasks that are not finished and whose state has not changed for a while, oldest first.
-- description: A queued task waits its turn; a task preparing, starting or testing this long is stuck on its host.
-- param: minutes integer 15 Minutes without a change
SELECT task_id, user_id, assignment_id, status, attempt, host,
       updated_at AS last_change,
       round(extract(epoch FROM now() - updated_at) / 60)::int AS minutes_since
FROM task_summary
WHERE status IN ('Queued', 'Preparing', 'Starting', 'Testing')
  AND updated_at < now() - make_interval(mins => @minutes::int)
ORDER BY updated_at
