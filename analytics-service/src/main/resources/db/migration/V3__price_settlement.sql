-- SignalWire's actual price is fetched after a fact's final status (the status callbacks carry none): the provider
-- sid to ask for, when the next look is due (null: nothing to do, settled or given up) and how many looks were made.
alter table usage_fact add column provider_sid text;
alter table usage_fact add column price_due_at timestamptz;
alter table usage_fact add column price_checks integer not null default 0;
create index usage_fact_price_due on usage_fact (price_due_at) where price_due_at is not null;
