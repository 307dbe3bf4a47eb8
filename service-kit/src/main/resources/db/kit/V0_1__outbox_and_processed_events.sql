-- The service kit's tables, created by each service's own Flyway run in the service's own schema
-- (quarkus.flyway.locations=db/migration,db/kit): the transactional outbox and the consumer's seen-event log.

create table outbox_event (
    id          bigserial primary key,
    event_id    text        not null unique,
    topic       text        not null,
    record_key  text        not null,
    event_type  text        not null,
    payload     text,
    created_at  timestamptz not null,
    attempts    int         not null default 0,
    last_error  text
);

create table processed_event (
    consumer     text        not null,
    event_id     text        not null,
    processed_at timestamptz not null,
    primary key (consumer, event_id)
);
