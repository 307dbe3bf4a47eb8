-- Clerk's organization updated_at and a Clerk Billing subscription item's updated_at are different clocks:
-- each source keeps its own version, and events are only ever compared with their own source.
alter table workspace add column billing_version bigint not null default -9223372036854775808;
-- the claim a purchase job holds; checked (compare-and-set) right before every provider call
alter table workspace add column lease_token text;
-- optimistic versions: a state change made from a stale read fails instead of overwriting a newer one
alter table workspace add column version bigint not null default 0;
alter table phone_number add column version bigint not null default 0;
