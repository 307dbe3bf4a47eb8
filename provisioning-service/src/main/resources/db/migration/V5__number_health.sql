-- Issue 13: whether carriers take a dedicated number's messages (10DLC campaign registration, toll-free verification),
-- and the webhook-configuration drift checks.

-- Numbers bought before this existed were never registered by us: UNREGISTERED (they send as before; a 21717 from
-- SignalWire registers them when a campaign is configured).
alter table phone_number add column messaging_state varchar(32) not null default 'UNREGISTERED';
alter table phone_number add column messaging_reason text;
alter table phone_number add column messaging_changed_at timestamptz;
alter table phone_number add column campaign_id varchar(64);
alter table phone_number add column registry_order_id varchar(64);
alter table phone_number add column registry_assignment_id varchar(64);
alter table phone_number add column registration_attempts int not null default 0;
-- when the registration worker next acts on the number: place an order, or poll the one placed
alter table phone_number add column registration_due_at timestamptz;
create index phone_number_registration_due on phone_number (registration_due_at)
    where messaging_state = 'PENDING_REGISTRATION' and status = 'ACTIVE';

create table webhook_drift_check (
    id bigserial primary key,
    app_url text not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    checked int not null default 0,
    repaired int not null default 0,
    -- what differs on the shared platform number (reported, never changed), one line per field
    shared_drift text,
    error text
);
