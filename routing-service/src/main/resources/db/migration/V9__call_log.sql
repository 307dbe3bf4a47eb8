-- The call log (issue 34): one row per call, whatever order its events arrive in. The voice webhook's event (how the
-- call was answered), the forward's dial result, the voicemail recording and its transcript (all on inbound-calls)
-- and the status callbacks (call-status) each fill in their part; inbound_call stays the per-event record that
-- forwarded minutes are counted from.
create table call_log (
    id                bigserial primary key,
    call_sid          text        not null unique,
    workspace_id      text,
    inbox             text,
    label             text,
    from_number       text,
    our_number        text,
    direction         text        not null default 'INBOUND',
    -- how the gateway answered: FORWARDED, VOICEMAIL or UNKNOWN_NUMBER
    answered_by       text,
    forwarded_to      text,
    -- the provider's call status, forward-only by rank (0 initiated/queued, 1 ringing, 2 in-progress, 3 final)
    status            text,
    status_rank       int         not null default -1,
    started_at        timestamptz not null,
    answered_at       timestamptz,
    ended_at          timestamptz,
    duration_seconds  int,
    dial_status       text,
    dial_seconds      int,
    -- never given to clients: recordings are streamed through the API with the project's credentials
    recording_url     text,
    recording_seconds int,
    transcript        text,
    transcript_status text,
    heard_at          timestamptz,
    -- what the workspace sees, from the parts above (one definition, so the list filters and pages on it)
    outcome           text generated always as (
        case when recording_url is not null then 'VOICEMAIL'
             when dial_status in ('completed', 'answered') then 'FORWARDED'
             when status_rank >= 3 then 'MISSED'
             else 'IN_PROGRESS' end) stored
);

create index call_log_by_workspace on call_log (workspace_id, started_at desc, id desc);
create index call_log_by_contact on call_log (workspace_id, from_number, started_at desc);

-- calls from before the call log, as far as their events tell
insert into call_log (call_sid, workspace_id, inbox, label, from_number, our_number, answered_by, forwarded_to, started_at,
                      recording_url, recording_seconds, status, status_rank, duration_seconds, ended_at)
select c.call_sid, c.workspace_id, 'Main', null, c.from_number, c.to_number, c.disposition, c.forwarded_to, c.received_at,
       r.recording_url, r.recording_seconds, s.status, case when s.status is null then -1 else 3 end, s.duration_seconds,
       s.reported_at
from inbound_call c
left join inbound_call r on r.call_sid = c.call_sid and r.disposition = 'RECORDING'
left join call_status s on s.call_sid = c.call_sid
where c.disposition in ('FORWARDED', 'VOICEMAIL', 'UNKNOWN_NUMBER')
on conflict (call_sid) do nothing;
