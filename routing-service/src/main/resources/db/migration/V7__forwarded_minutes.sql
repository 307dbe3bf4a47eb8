-- Forwarded minutes (issue 32): the final status of each call as its status callback reported it, the seconds of a
-- forwarded call once counted (so a call counts once, whichever of its two events came last), and each workspace's
-- forwarded seconds per UTC day, which routing publishes on the compacted forwarding-usage topic for the gateway.
create table call_status (
    call_sid         text primary key,
    status           text        not null,
    duration_seconds int,
    reported_at      timestamptz not null
);

alter table inbound_call add column forwarded_seconds int;

create table forwarding_usage (
    workspace_id      text   not null,
    day               date   not null,
    forwarded_seconds bigint not null,
    primary key (workspace_id, day)
);
