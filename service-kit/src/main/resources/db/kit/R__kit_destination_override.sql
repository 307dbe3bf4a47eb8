-- Per-workspace destination countries (issue 32), set by operators only, replacing the platform's list for one
-- purpose (messaging in outbound, forwarding in provisioning). Repeatable and idempotent, as cluster_job.
create table if not exists destination_override (
    workspace_id      text        not null,
    purpose           text        not null,
    allowed_countries text        not null,
    set_by            text        not null,
    set_at            timestamptz not null,
    primary key (workspace_id, purpose)
);
