-- Roaming read model, kept by the roaming projection from each consortium channel's roaming.changed events: the
-- public state of agreements, usage batches and statements (never a record, an agreement document or a figure that
-- lives only in the pair's collection). Each row names the block that last changed it.
CREATE TABLE roaming_agreements (
    channel        TEXT   NOT NULL,
    agreement_id   TEXT   NOT NULL,
    party_a        TEXT   NOT NULL,
    party_b        TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    state_json     TEXT   NOT NULL,
    block_number   BIGINT NOT NULL,
    PRIMARY KEY (channel, agreement_id)
);

CREATE TABLE roaming_batches (
    channel          TEXT    NOT NULL,
    file_id          TEXT    NOT NULL,
    batch_number     INTEGER NOT NULL,
    agreement_id     TEXT    NOT NULL,
    visited_msp      TEXT    NOT NULL,
    home_msp         TEXT    NOT NULL,
    period           TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    record_count     INTEGER NOT NULL,
    state_json       TEXT    NOT NULL,
    submitted_block  BIGINT  NOT NULL,
    block_number     BIGINT  NOT NULL,
    PRIMARY KEY (channel, file_id, batch_number)
);
CREATE INDEX ix_roaming_batches_agreement_period ON roaming_batches (channel, agreement_id, period);
CREATE INDEX ix_roaming_batches_home_status ON roaming_batches (channel, home_msp, status);

CREATE TABLE roaming_statements (
    channel        TEXT   NOT NULL,
    agreement_id   TEXT   NOT NULL,
    period         TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    state_json     TEXT   NOT NULL,
    block_number   BIGINT NOT NULL,
    PRIMARY KEY (channel, agreement_id, period)
);
