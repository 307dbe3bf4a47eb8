-- The last start of each periodic cluster job (ClusterSingleton#runOncePer), so that with several instances a job runs
-- once per period, not once per instance. Repeatable and idempotent rather than versioned: the kit's migrations share
-- each service's version history, where a new low version would be out of order.
create table if not exists cluster_job (
    job         text primary key,
    last_run_at timestamptz not null
);
