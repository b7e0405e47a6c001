-- What operators disclosed to the regulators of their signed roaming statements (the audit chaincode's disclosure
-- collections): the audit projection records each audit.disclosed event as pending, and a read-only organisation's API
-- fetches the figures from its own peer (it is a member of every disclosure collection). One row per anchor and
-- discloser; both parties of a statement may disclose it.
CREATE TABLE audit_disclosures (
    anchor_id       TEXT    NOT NULL,
    discloser       TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    block_number    BIGINT  NOT NULL,
    status          TEXT    NOT NULL,
    source_channel  TEXT    NULL,
    agreement_id    TEXT    NULL,
    period          TEXT    NULL,
    party_a         TEXT    NULL,
    party_b         TEXT    NULL,
    currency        TEXT    NULL,
    decimal_places  INTEGER NULL,
    batches         INTEGER NULL,
    net_minor       BIGINT  NULL,
    net_payer       TEXT    NULL,
    net_payee       TEXT    NULL,
    disclosure_json TEXT    NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NULL,
    PRIMARY KEY (anchor_id, discloser)
);
CREATE INDEX ix_audit_disclosures_status ON audit_disclosures (status);
CREATE INDEX ix_audit_disclosures_period ON audit_disclosures (period);
