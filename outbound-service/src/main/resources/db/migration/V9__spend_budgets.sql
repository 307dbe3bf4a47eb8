-- Spend budgets (issue 32): what each workspace's accepted messages are estimated to cost, per UTC day, checked and
-- added to in the transaction that accepts a message (under the workspace's allowance lock); the plan each workspace
-- is on (from provisioning-results), which picks its default budget; and the budgets an operator set instead.
alter table workspace_provisioning add column plan text;

create table messaging_spend (
    workspace_id  text          not null,
    day           date          not null,
    estimated_usd numeric(14,4) not null,
    primary key (workspace_id, day)
);

create table messaging_budget_override (
    workspace_id text primary key,
    daily_usd    numeric(14,4) not null,
    monthly_usd  numeric(14,4) not null,
    set_by       text          not null,
    set_at       timestamptz   not null
);
