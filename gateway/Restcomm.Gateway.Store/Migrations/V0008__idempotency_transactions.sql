-- A POST that submits a transaction records the transaction's ID on its Idempotency-Key before it endorses, so that a
-- retry after the API was killed can ask the ledger what became of it instead of waiting for the claim to expire.
ALTER TABLE idempotency_records ADD COLUMN ledger_channel TEXT NULL;
ALTER TABLE idempotency_records ADD COLUMN transaction_id TEXT NULL;
