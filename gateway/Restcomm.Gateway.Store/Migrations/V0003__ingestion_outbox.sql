-- TAP ingestion outbox (Restcomm.Ingestion). A job is one TAP file carried onto the ledger; its file stays where the
-- job says (file_path) and must still hash to file_sha256 when the job is resumed. Batches are cut deterministically
-- from (period, first_index, last_index) of the file's records, so a payload is rebuilt from the file on resume and
-- checked against payload_hash instead of being stored.
CREATE TABLE ingestion_jobs (
    job_id            TEXT    NOT NULL PRIMARY KEY,
    file_id           TEXT    NOT NULL,
    file_path         TEXT    NOT NULL,
    file_sha256       TEXT    NOT NULL,
    file_bytes        BIGINT  NOT NULL,
    agreement_id      TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    chaincode         TEXT    NOT NULL,
    msp_id            TEXT    NOT NULL,
    settings_json     TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    records_in_file   BIGINT  NOT NULL,
    records_rejected  BIGINT  NOT NULL,
    detail            TEXT    NULL,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
-- One live job per TAP file ID: a refused file may come back corrected under the same file sequence number (TD.57).
CREATE UNIQUE INDEX ux_ingestion_jobs_file_id ON ingestion_jobs (file_id) WHERE state <> 'refused';

-- A batch row is written (pending) before the batch is endorsed; submitted once ordering took it (transaction_id);
-- committed when its transaction committed valid or the chaincode answered that the same batch was already there;
-- failed after a refusal or the last retry.
CREATE TABLE ingestion_batches (
    job_id             TEXT    NOT NULL,
    batch_number       INTEGER NOT NULL,
    period             TEXT    NOT NULL,
    first_index        BIGINT  NOT NULL,
    last_index         BIGINT  NOT NULL,
    record_count       INTEGER NOT NULL,
    payload_bytes      INTEGER NOT NULL,
    payload_hash       TEXT    NOT NULL,
    merkle_root        TEXT    NOT NULL,
    totals_json        TEXT    NOT NULL,
    state              TEXT    NOT NULL,
    transaction_id     TEXT    NULL,
    block_number       BIGINT  NULL,
    already_submitted  INTEGER NOT NULL DEFAULT 0,
    attempts           INTEGER NOT NULL DEFAULT 0,
    error              TEXT    NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    PRIMARY KEY (job_id, batch_number)
);
CREATE INDEX ix_ingestion_batches_state ON ingestion_batches (job_id, state);
