-- The usage ledger: one row per billable fact, written once per (source id, kind) however often its events arrive.
-- Facts are never deleted; a message's later status (and SignalWire's actual price) updates its own row.
create table usage_fact (
    id             bigserial primary key,
    source_id      text          not null,  -- outbound message id, provider sid of an inbound message, call sid
    kind           text          not null,  -- MESSAGE_OUTBOUND, MESSAGE_INBOUND, CALL
    workspace_id   text          not null,
    channel        text          not null,  -- SMS, MMS, WHATSAPP, VOICE
    our_number     text,
    label          text,
    plan           text,                    -- the workspace's plan when the fact happened (null: not known yet)
    quantity       integer       not null,  -- segments for messages, seconds for calls
    media_count    integer       not null default 0,
    status         text,
    estimated_cost numeric(14, 6) not null,
    actual_cost    numeric(14, 6),          -- SignalWire's price once it reports one; wins over the estimate
    occurred_at    timestamptz   not null,
    updated_at     timestamptz   not null,
    unique (source_id, kind)
);
create index usage_fact_workspace_time on usage_fact (workspace_id, occurred_at);

-- Each workspace's plan as provisioning last said it, stamped on the facts that follow.
create table workspace_plan (
    workspace_id text primary key,
    plan         text        not null,
    updated_at   timestamptz not null
);

-- When each dedicated number was held: number cost is prorated over these (a month's price per month held).
create table number_interval (
    workspace_id text        not null,
    phone_number text        not null,
    active_from  timestamptz not null,
    active_to    timestamptz,
    primary key (workspace_id, phone_number, active_from)
);

-- An inbound call's leg as the gateway reported it (workspace and our number) and its final status (duration): the
-- two arrive on different topics in either order; the CALL fact is written once both are known.
create table call_leg (
    call_sid     text primary key,
    workspace_id text,
    our_number   text,
    started_at   timestamptz,
    seconds      integer,
    status       text,
    updated_at   timestamptz not null
);
