-- Projections follow blocks (every transaction, valid or not, and empty blocks), one position per (projection,
-- channel), moved in the same transaction as the read model's rows. The per-event checkpoints they replace go, and
-- the read models they guarded are rebuilt from block 0: the ledger is their source.
DROP TABLE projection_checkpoints;
DELETE FROM ledger_events;

CREATE TABLE projection_positions (
    projection           TEXT    NOT NULL,
    channel              TEXT    NOT NULL,
    next_block           BIGINT  NOT NULL,
    last_transaction_id  TEXT    NOT NULL,
    rebuild_requested    INTEGER NOT NULL DEFAULT 0,
    updated_at           BIGINT  NOT NULL,
    PRIMARY KEY (projection, channel)
);

-- EIR read model: the current entries (the in-memory IMEI index is loaded from it at start). Earlier versions kept it
-- in tables of their own making, outside the migrations; they are replaced and rebuilt from the ledger.
DROP TABLE IF EXISTS eir_entries;
DROP TABLE IF EXISTS eir_projection;
CREATE TABLE eir_entries (
    channel       TEXT   NOT NULL,
    entry_id      TEXT   NOT NULL,
    target        TEXT   NOT NULL,
    list          TEXT   NOT NULL,
    owner         TEXT   NOT NULL,
    entry_json    TEXT   NOT NULL,
    block_number  BIGINT NOT NULL,
    PRIMARY KEY (channel, entry_id)
);
CREATE INDEX ix_eir_entries_owner ON eir_entries (channel, owner);
