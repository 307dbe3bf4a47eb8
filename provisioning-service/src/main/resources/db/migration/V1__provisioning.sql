-- provisioning-service owns these tables; no other service reads them.

create table workspace (
    id                  text primary key,
    name                text,
    plan                text        not null,
    preferred_area_code text,
    lifecycle_version   bigint      not null,
    deleted             boolean     not null default false,
    -- PROVISIONING | ACTIVE | SHARED | FAILED | REMOVED
    status              text        not null,
    -- the workspace currently has an assignment to the shared platform number
    on_shared_number    boolean     not null default false,
    attempts            int         not null default 0,
    next_attempt_at     timestamptz,
    last_error_code     text,
    last_error          text,
    created_at          timestamptz not null,
    updated_at          timestamptz not null
);
create index workspace_due on workspace (next_attempt_at) where next_attempt_at is not null;

create table phone_number (
    id            bigserial primary key,
    -- no foreign key: reconciliation may record a tagged number of a workspace we never saw, to release it
    workspace_id  text        not null,
    e164          text        not null,
    provider_sid  text        not null unique,
    label         text        not null default 'Main',
    -- ACTIVE | RELEASE_PENDING | RELEASING | RELEASED
    status        text        not null,
    forward_to    text,
    purchased_at  timestamptz not null,
    release_after timestamptz,
    released_at   timestamptz,
    release_attempts int      not null default 0,
    last_error    text
);
-- At most one dedicated number per workspace (Enterprise multi-number will relax this per label):
-- a redelivered or replayed event can never leave a workspace with two numbers.
create unique index one_active_number_per_workspace on phone_number (workspace_id) where status = 'ACTIVE';
create unique index one_holder_per_number on phone_number (e164) where status <> 'RELEASED';
create index phone_number_release_due on phone_number (release_after) where status = 'RELEASE_PENDING';

-- Every call to SignalWire that costs or frees money is recorded before it is made.
create table provisioning_attempt (
    id            bigserial primary key,
    workspace_id  text        not null,
    kind          text        not null, -- PURCHASE | RELEASE | ADOPT
    started_at    timestamptz not null,
    finished_at   timestamptz,
    outcome       text,                 -- SUCCEEDED | FAILED | (null while running)
    phone_number  text,
    provider_sid  text,
    error_code    text,
    error_message text
);
create index provisioning_attempt_workspace on provisioning_attempt (workspace_id, id);

-- outbox_event and processed_event come from the service kit (db/kit).
