-- A fact that changes within its own hour bucket (the usual case: a later status, SignalWire's actual price) moves the
-- rollup by the difference in one upsert instead of taking the old contribution out and putting the new one in.
create or replace function usage_fact_rollup() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if old.workspace_id = new.workspace_id and date_trunc('hour', old.occurred_at, 'UTC') = date_trunc('hour', new.occurred_at, 'UTC')
                and old.kind = new.kind and old.channel = new.channel then
            if old.quantity <> new.quantity
                    or coalesce(old.actual_cost, old.estimated_cost) <> coalesce(new.actual_cost, new.estimated_cost) then
                perform usage_hourly_add(new.workspace_id, new.occurred_at, new.kind, new.channel, 0, new.quantity - old.quantity,
                                         coalesce(new.actual_cost, new.estimated_cost) - coalesce(old.actual_cost, old.estimated_cost));
            end if;
            return null; -- otherwise nothing counted changed (a status, the price schedule)
        end if;
        perform usage_hourly_add(old.workspace_id, old.occurred_at, old.kind, old.channel, -1, -old.quantity,
                                 -coalesce(old.actual_cost, old.estimated_cost));
    end if;
    perform usage_hourly_add(new.workspace_id, new.occurred_at, new.kind, new.channel, 1, new.quantity,
                             coalesce(new.actual_cost, new.estimated_cost));
    return null;
end
$$;

-- The trigger's functions name usage_hourly and usage_hourly_add unqualified: pin their search_path to this schema (the
-- one current while migrating), so a write from a session with another search_path (psql, an operator's repair, a
-- bulk load) is rolled up too instead of failing.
alter function usage_hourly_add(text, timestamptz, text, text, bigint, bigint, numeric) set search_path from current;
alter function usage_fact_rollup() set search_path from current;
