-- Which of a workspace's numbers each contact last wrote to (from routing's routed-messages): a reply with neither
-- "from" nor "label" leaves from that number, so the contact hears back from the number they wrote to (issue 12).
create table contact_last_number (
    workspace_id   text        not null,
    contact        text        not null,
    our_number     text        not null,
    last_inbound_at timestamptz not null,
    primary key (workspace_id, contact)
);
