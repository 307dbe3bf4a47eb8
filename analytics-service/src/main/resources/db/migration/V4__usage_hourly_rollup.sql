-- The ledger rolled up per workspace, hour, kind and channel, so a month's usage reads at most ~720 rows per kind and
-- channel instead of every fact. Kept by a trigger in the same transaction as the fact it counts: an insert adds the
-- fact, an update (a later status, SignalWire's actual price, a segment count) moves its old contribution out and the
-- new one in. Costs are the actual price where known, else the estimate, as in the reports.
create table usage_hourly (
    workspace_id text           not null,
    hour         timestamptz    not null,
    kind         text           not null,
    channel      text           not null,
    facts        bigint         not null,
    quantity     bigint         not null,
    cost         numeric(18, 6) not null,
    primary key (workspace_id, hour, kind, channel)
);

create function usage_hourly_add(ws text, at timestamptz, fact_kind text, fact_channel text, d_facts bigint, d_quantity bigint,
                                 d_cost numeric) returns void language sql as $$
    insert into usage_hourly (workspace_id, hour, kind, channel, facts, quantity, cost)
    values (ws, date_trunc('hour', at, 'UTC'), fact_kind, fact_channel, d_facts, d_quantity, d_cost)
    on conflict (workspace_id, hour, kind, channel) do update set facts = usage_hourly.facts + excluded.facts,
        quantity = usage_hourly.quantity + excluded.quantity, cost = usage_hourly.cost + excluded.cost
$$;

create function usage_fact_rollup() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if old.workspace_id = new.workspace_id and old.occurred_at = new.occurred_at and old.kind = new.kind
                and old.channel = new.channel and old.quantity = new.quantity
                and coalesce(old.actual_cost, old.estimated_cost) = coalesce(new.actual_cost, new.estimated_cost) then
            return null; -- nothing counted changed (a status, the price schedule)
        end if;
        perform usage_hourly_add(old.workspace_id, old.occurred_at, old.kind, old.channel, -1, -old.quantity,
                                 -coalesce(old.actual_cost, old.estimated_cost));
    end if;
    perform usage_hourly_add(new.workspace_id, new.occurred_at, new.kind, new.channel, 1, new.quantity,
                             coalesce(new.actual_cost, new.estimated_cost));
    return null;
end
$$;

create trigger usage_fact_rollup after insert or update on usage_fact for each row execute function usage_fact_rollup();

insert into usage_hourly (workspace_id, hour, kind, channel, facts, quantity, cost)
select workspace_id, date_trunc('hour', occurred_at, 'UTC'), kind, channel, count(*), sum(quantity),
       sum(coalesce(actual_cost, estimated_cost))
from usage_fact group by 1, 2, 3, 4;
create index usage_hourly_hour on usage_hourly (hour);
