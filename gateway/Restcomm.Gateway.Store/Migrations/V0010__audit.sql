-- The audit channel. audit_anchors is the read model of the audit chaincode's anchors (audit.anchored events), kept by
-- the audit projection. Times are Unix milliseconds.
CREATE TABLE audit_anchors (
    anchor_id       TEXT    NOT NULL PRIMARY KEY,
    channel         TEXT    NOT NULL,
    source_channel  TEXT    NOT NULL,
    chaincode       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    from_block      BIGINT  NULL,
    to_block        BIGINT  NULL,
    statement_id    TEXT    NULL,
    digest          TEXT    NOT NULL,
    change_count    BIGINT  NOT NULL,
    anchored_by     TEXT    NOT NULL,
    anchored_at     BIGINT  NOT NULL,
    transaction_id  TEXT    NOT NULL,
    block_number    BIGINT  NOT NULL
);
CREATE INDEX ix_audit_anchors_source ON audit_anchors (source_channel, kind, to_block);
CREATE INDEX ix_audit_anchors_time ON audit_anchors (anchored_at);

-- This organisation's anchoring, per source (application + channel): the next block to anchor. It moves in the same
-- transaction that records the anchor job for the range before it, so a crash neither skips nor repeats a range.
CREATE TABLE audit_anchor_cursors (
    application     TEXT    NOT NULL,
    source_channel  TEXT    NOT NULL,
    next_block      BIGINT  NOT NULL,
    planned_at      BIGINT  NOT NULL,
    PRIMARY KEY (application, source_channel)
);

-- Anchors this organisation computed (digest over its change feed) and submits; status pending until the audit
-- chaincode has it (anchored), or conflict when the ledger holds another digest for the same range.
CREATE TABLE audit_anchor_jobs (
    anchor_id       TEXT    NOT NULL PRIMARY KEY,
    application     TEXT    NOT NULL,
    source_channel  TEXT    NOT NULL,
    from_block      BIGINT  NOT NULL,
    to_block        BIGINT  NOT NULL,
    request_json    TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    planned_at      BIGINT  NOT NULL,
    anchored_at     BIGINT  NULL,
    transaction_id  TEXT    NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NULL
);
CREATE INDEX ix_audit_anchor_jobs_status ON audit_anchor_jobs (status, planned_at);
CREATE INDEX ix_audit_anchor_jobs_source ON audit_anchor_jobs (application, source_channel, from_block);

-- The latest verification of each anchor by this API (recomputed from the source ledger), for the dashboard.
CREATE TABLE audit_verifications (
    anchor_id       TEXT    NOT NULL PRIMARY KEY,
    verified        INTEGER NOT NULL,
    verified_at     BIGINT  NOT NULL,
    result_json     TEXT    NOT NULL
);

-- Daily figures of the applications' changes, kept by the audit statistics projection in the blocks' transactions:
-- value is a count (or, for *.seconds metrics, a sum of seconds) per application, metric, organisation and UTC day.
CREATE TABLE audit_daily_stats (
    application     TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    metric          TEXT    NOT NULL,
    organisation    TEXT    NOT NULL,
    day             TEXT    NOT NULL,
    value           BIGINT  NOT NULL,
    PRIMARY KEY (application, channel, metric, organisation, day)
);
CREATE INDEX ix_audit_daily_stats_day ON audit_daily_stats (day);
