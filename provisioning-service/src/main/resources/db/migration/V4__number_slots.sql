-- The number slot is the unit of provisioning (issue 12): a label a workspace wants a number for, with its own
-- purchase state and lease, so every slot is bought, retried, reconciled and released on its own (a failure of one
-- never blocks another). Every Pro and Enterprise workspace has a Main slot; an Enterprise workspace may add more.
create table number_slot (
    id                  bigserial primary key,
    workspace_id        text        not null,
    label               text        not null,
    -- PROVISIONING | ACTIVE | FAILED | RELEASED (given up: its number, if any, goes through phone_number's release)
    status              text        not null,
    preferred_area_code text,
    attempts            int         not null default 0,
    next_attempt_at     timestamptz,
    lease_token         text,
    last_error_code     text,
    last_error          text,
    phone_number_id     bigint references phone_number (id),
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    version             bigint      not null default 0
);
create unique index one_slot_per_label on number_slot (workspace_id, lower(label)) where status <> 'RELEASED';
create index number_slot_due on number_slot (next_attempt_at) where next_attempt_at is not null;

-- Today's state, kept: every workspace that wants a number gets its Main slot with the workspace's purchase state
-- (attempts, due time, lease, last error) and its active number.
insert into number_slot (workspace_id, label, status, preferred_area_code, attempts, next_attempt_at, lease_token,
                         last_error_code, last_error, phone_number_id, created_at, updated_at)
select w.id, 'Main',
       case w.status when 'ACTIVE' then 'ACTIVE' when 'FAILED' then 'FAILED' else 'PROVISIONING' end,
       w.preferred_area_code, w.attempts, w.next_attempt_at, w.lease_token, w.last_error_code, w.last_error,
       (select n.id from phone_number n where n.workspace_id = w.id and n.status = 'ACTIVE' order by n.id desc limit 1),
       w.created_at, w.updated_at
from workspace w
where not w.deleted and w.status in ('PROVISIONING', 'ACTIVE', 'FAILED');

-- One active number per label (was: per workspace). The workspace's next_attempt_at and lease_token are no longer
-- read or written (the slot holds them); they are dropped once no running version reads them.
drop index one_active_number_per_workspace;
create unique index one_active_number_per_label on phone_number (workspace_id, lower(label)) where status = 'ACTIVE';
drop index workspace_due;
