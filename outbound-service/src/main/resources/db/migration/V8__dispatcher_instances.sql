-- The outbound instances alive now (each writes its row every second): sender-number buckets are shared out among
-- them (see LaneOwnership). Rows of instances gone for a while are deleted by the others.
create table dispatcher_instance (
    id      text primary key,
    seen_at timestamptz not null
);
