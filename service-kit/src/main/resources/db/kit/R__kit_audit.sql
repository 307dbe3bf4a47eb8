-- The audit trail (issue 32): who changed what, before and after, in which workspace and when, kept in the service
-- that owns the change. Repeatable and idempotent, as cluster_job: a versioned kit migration would be out of order.
create table if not exists audit_event (
    id           bigserial primary key,
    workspace_id text,
    actor        text        not null,
    actor_role   text        not null,
    action       text        not null,
    subject      text,
    before_state jsonb,
    after_state  jsonb,
    at           timestamptz not null
);
create index if not exists audit_event_workspace on audit_event (workspace_id, at desc, id desc);
create index if not exists audit_event_at on audit_event (at desc, id desc);
