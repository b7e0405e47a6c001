-- Settlement read model (RCB token, statement payments, netting, disputes), kept by the settlement projection from the
-- settlement changes carried in each consortium channel's roaming.changed events. Balances are sums of entries: the
-- ledger keeps one key per movement, and so does this table. Each row names the block that last changed it.
CREATE TABLE settlement_entries (
    channel       TEXT    NOT NULL,
    tx_id         TEXT    NOT NULL,
    position      INTEGER NOT NULL,
    account       TEXT    NOT NULL,
    amount        BIGINT  NOT NULL,
    counterparty  TEXT    NULL,
    kind          TEXT    NOT NULL,
    reference     TEXT    NULL,
    entry_json    TEXT    NOT NULL,
    block_number  BIGINT  NOT NULL,
    PRIMARY KEY (channel, tx_id, position)
);
CREATE INDEX ix_settlement_entries_account ON settlement_entries (channel, account, block_number);

-- One row per channel (the token) and one per object otherwise; state_json is the object as the chaincode wrote it.
CREATE TABLE settlement_objects (
    channel       TEXT   NOT NULL,
    kind          TEXT   NOT NULL,
    object_id     TEXT   NOT NULL,
    status        TEXT   NULL,
    party_a       TEXT   NULL,
    party_b       TEXT   NULL,
    state_json    TEXT   NOT NULL,
    block_number  BIGINT NOT NULL,
    PRIMARY KEY (channel, kind, object_id)
);
CREATE INDEX ix_settlement_objects_party_a ON settlement_objects (channel, kind, party_a);
CREATE INDEX ix_settlement_objects_party_b ON settlement_objects (channel, kind, party_b);
