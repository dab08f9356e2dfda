-- title: Students with no passing submission
-- description: Students who submitted to an assignment but never got full marks there, with their best score so far.
-- description: Staff dry runs are left out; an evaluation run counts.
-- param: assignment text * Assignment id (* for every assignment)
SELECT user_id, assignment_id,
       count(*) AS submissions,
       max(score) AS best_score,
       max(max_score) AS max_score,
       max(created_at) AS last_submission,
       (array_agg(task_id ORDER BY score DESC, created_at DESC))[1] AS task_id
FROM task_summary
WHERE (@assignment = '*' OR assignment_id = @assignment)
  AND source <> 'dry-run'
GROUP BY user_id, assignment_id
HAVING NOT bool_or(status = 'Completed' AND score >= max_score AND max_score > 0)
ORDER BY assignment_id, best_score, user_id
