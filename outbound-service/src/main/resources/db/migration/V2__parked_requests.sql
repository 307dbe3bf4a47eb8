-- outbound-requests that could not be accepted yet for a reason that passes (the workspace's number is still being
-- provisioned): retried until outbound.sender-wait is over, then dead-lettered with the reason.
create table parked_request (
    request_id      text primary key,
    record_key      text,
    payload         text        not null,
    event_id        text        not null,
    parked_at       timestamptz not null,
    next_attempt_at timestamptz not null,
    attempts        int         not null default 0,
    last_error      text
);
create index parked_request_due on parked_request (next_attempt_at);
