-- The EIR entry listing (GET /v1/eir/entries) filters by reason and change time: both become columns of the read
-- model. Rows written before this version lack them, so the EIR projection is asked to rebuild from block 0.
ALTER TABLE eir_entries ADD COLUMN reason TEXT NULL;
ALTER TABLE eir_entries ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS ix_eir_entries_owner;
CREATE INDEX ix_eir_entries_owner ON eir_entries (channel, owner, entry_id);
CREATE INDEX ix_eir_entries_updated ON eir_entries (channel, updated_at);
UPDATE projection_positions SET rebuild_requested = 1 WHERE projection = 'eir';
