-- When the send request actually left (its body written to SignalWire's connection): the moment pacing counts from,
-- kept so that spacing per number can be checked after the fact (ops/bench.sh pacing prints it).
alter table message add column departed_at timestamptz;
