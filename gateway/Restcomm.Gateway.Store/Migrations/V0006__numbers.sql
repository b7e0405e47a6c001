-- Telephone-number registry read model, kept by the numbers projection from the numbers channel's numbers.changed
-- events: current records, blocks and ports (each row names the block that last changed it), and the change feed.
CREATE TABLE number_records (
    channel        TEXT   NOT NULL,
    e164           TEXT   NOT NULL,
    provider       TEXT   NOT NULL,
    line_type      TEXT   NOT NULL,
    record_json    TEXT   NOT NULL,
    block_number   BIGINT NOT NULL,
    PRIMARY KEY (channel, e164)
);

CREATE TABLE number_blocks (
    channel        TEXT   NOT NULL,
    block_id       TEXT   NOT NULL,
    provider       TEXT   NOT NULL,
    block_json     TEXT   NOT NULL,
    block_number   BIGINT NOT NULL,
    PRIMARY KEY (channel, block_id)
);

-- The latest port of each number; due_at in Unix milliseconds (the port activator's query).
CREATE TABLE number_ports (
    channel        TEXT   NOT NULL,
    port_id        TEXT   NOT NULL,
    e164           TEXT   NOT NULL,
    donor          TEXT   NOT NULL,
    recipient      TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    due_at         BIGINT NOT NULL,
    port_json      TEXT   NOT NULL,
    block_number   BIGINT NOT NULL,
    PRIMARY KEY (channel, port_id)
);
CREATE INDEX ix_number_ports_recipient_status ON number_ports (channel, recipient, status, due_at);
CREATE INDEX ix_number_ports_e164 ON number_ports (channel, e164);
