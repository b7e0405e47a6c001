-- API keys: only a hash of the secret is kept; the secret is shown once, at creation.
CREATE TABLE api_keys (
    id           TEXT    NOT NULL PRIMARY KEY,
    org          TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    scopes       TEXT    NOT NULL,
    secret_hash  ${bytes} NOT NULL,
    created_at   BIGINT  NOT NULL,
    revoked_at   BIGINT  NULL
);

-- One row per (API key, Idempotency-Key): the request's hash and, once done, the response to replay.
CREATE TABLE idempotency_records (
    scope            TEXT    NOT NULL,
    idempotency_key  TEXT    NOT NULL,
    request_hash     ${bytes} NOT NULL,
    status_code      INTEGER NULL,
    content_type     TEXT    NULL,
    response_body    ${bytes} NULL,
    created_at       BIGINT  NOT NULL,
    completed_at     BIGINT  NULL,
    PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX ix_idempotency_records_created_at ON idempotency_records (created_at);

-- Where each projection stands in each (channel, chaincode) event stream; written in the same
-- transaction as the read model it guards.
CREATE TABLE projection_checkpoints (
    projection      TEXT   NOT NULL,
    channel         TEXT   NOT NULL,
    chaincode       TEXT   NOT NULL,
    block_number    BIGINT NOT NULL,
    transaction_id  TEXT   NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (projection, channel, chaincode)
);

-- Read model: every chaincode event the gateway has followed (a change feed per channel).
CREATE TABLE ledger_events (
    seq             ${identity},
    channel         TEXT   NOT NULL,
    chaincode       TEXT   NOT NULL,
    block_number    BIGINT NOT NULL,
    transaction_id  TEXT   NOT NULL,
    event_name      TEXT   NOT NULL,
    payload         ${bytes} NOT NULL,
    recorded_at     BIGINT NOT NULL,
    UNIQUE (channel, chaincode, transaction_id)
);
CREATE INDEX ix_ledger_events_channel_seq ON ledger_events (channel, seq);
