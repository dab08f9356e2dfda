// The tests share one machine's dockerd, PostgreSQL and two CPU cores; running collections one after
// another keeps timings and resource limits meaningful. Work inside a test still runs concurrently.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
