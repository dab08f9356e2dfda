-- title: Submissions per hour
-- description: Submissions and finished tasks per hour over the last days, with how long they waited and took.
-- param: days integer 2 Days back
SELECT date_trunc('hour', created_at) AS hour,
       count(*) AS submissions,
       count(DISTINCT user_id) AS students,
       count(*) FILTER (WHERE status = 'Completed') AS completed,
       count(*) FILTER (WHERE status = 'Failed') AS failed,
       round(avg(extract(epoch FROM started_at - created_at))::numeric, 1) AS mean_wait_s,
       round(avg(extract(epoch FROM finished_at - created_at))::numeric, 1) AS mean_to_result_s
FROM task_summary
WHERE created_at > now() - make_interval(days => @days::int)
GROUP BY 1
ORDER BY 1 DESC
