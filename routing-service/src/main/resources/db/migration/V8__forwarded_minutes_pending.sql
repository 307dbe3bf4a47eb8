-- Forwarded calls whose seconds are not counted yet: what the sweep of ForwardedMinutes looks at every few seconds
-- (a call whose two events committed at the same moment on two consumers was seen by neither).
create index inbound_call_forward_pending on inbound_call (call_sid) where disposition = 'FORWARDED' and forwarded_seconds is null;
