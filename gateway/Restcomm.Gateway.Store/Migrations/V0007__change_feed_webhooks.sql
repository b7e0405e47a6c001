-- The change feed: every change an application's projection applies, appended in the transaction that applies its
-- block. seq comes from change_feed_head (one row, locked until commit), so sequences become visible in increasing
-- order even when several channels commit at once. A rebuild does not renumber: a change already here (same
-- application, channel, transaction and ordinal) is not written again. epoch names this feed; a cursor of another
-- epoch (a new database) is refused so clients know to start over.
CREATE TABLE change_feed (
    seq             BIGINT  NOT NULL PRIMARY KEY,
    application     TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    block_number    BIGINT  NOT NULL,
    transaction_id  TEXT    NOT NULL,
    ordinal         INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    change_key      TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    recorded_at     BIGINT  NOT NULL,
    UNIQUE (application, channel, transaction_id, ordinal)
);
CREATE INDEX ix_change_feed_application_seq ON change_feed (application, seq);
CREATE INDEX ix_change_feed_block ON change_feed (application, channel, block_number);

CREATE TABLE change_feed_head (
    id        INTEGER NOT NULL PRIMARY KEY,
    last_seq  BIGINT  NOT NULL,
    epoch     TEXT    NOT NULL
);
INSERT INTO change_feed_head (id, last_seq, epoch) VALUES (1, 0, '');

-- Webhook subscriptions: the secret is kept as issued because signing needs it. cursor_seq is the last sequence the
-- target acknowledged (2xx); attempts/next_attempt_at describe the batch being retried.
CREATE TABLE webhook_subscriptions (
    id                 TEXT    NOT NULL PRIMARY KEY,
    url                TEXT    NOT NULL,
    applications       TEXT    NOT NULL,
    secret             TEXT    NOT NULL,
    description        TEXT    NULL,
    created_by_key     TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    cursor_seq         BIGINT  NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    BIGINT  NOT NULL DEFAULT 0,
    last_error         TEXT    NULL,
    last_delivered_at  BIGINT  NULL
);

-- Batches a target did not take after the last attempt, with the exact body last sent; redelivered on request.
CREATE TABLE webhook_dead_letters (
    id               ${identity},
    subscription_id  TEXT    NOT NULL,
    first_seq        BIGINT  NOT NULL,
    last_seq         BIGINT  NOT NULL,
    change_count     INTEGER NOT NULL,
    body             TEXT    NOT NULL,
    attempts         INTEGER NOT NULL,
    last_status      INTEGER NULL,
    last_error       TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    redelivered_at   BIGINT  NULL
);
CREATE INDEX ix_webhook_dead_letters_subscription ON webhook_dead_letters (subscription_id, id);
