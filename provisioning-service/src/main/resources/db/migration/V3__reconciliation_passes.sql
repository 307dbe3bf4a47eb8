-- Every reconciliation pass and what it planned. A pass that would change more than the safety brake allows is
-- REFUSED and changes nothing; later passes stay refused until an operator confirms it.
create table reconciliation_pass (
    id           text primary key,
    started_at   timestamptz not null,
    finished_at  timestamptz,
    mode         text        not null, -- APPLY | REPORT
    outcome      text        not null, -- APPLIED | REFUSED | REPORTED | FAILED
    owned        int         not null default 0,
    changes      int         not null default 0,
    plan         text,                 -- one line per planned change
    reason       text,
    confirmed_at timestamptz
);
create index reconciliation_pass_started on reconciliation_pass (started_at desc);
create index phone_number_orphan_due on phone_number (release_after) where status = 'ORPHANED';
