-- Provisioning as analytics sees it: every result provisioning published (attempt outcomes, when a purchase began
-- and when the number came), for success rates, failure reasons and time-to-number.
create table provisioning_event (
    id           bigserial primary key,
    workspace_id text        not null,
    status       text        not null,  -- PROVISIONING, ACTIVE, FAILED, ... (ProvisioningResult.Status)
    plan         text,
    attempt      integer     not null,
    error_code   text,
    occurred_at  timestamptz not null
);
create index provisioning_event_time on provisioning_event (occurred_at);
create index provisioning_event_workspace on provisioning_event (workspace_id, occurred_at);
