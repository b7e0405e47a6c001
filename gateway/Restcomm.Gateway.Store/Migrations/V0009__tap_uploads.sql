-- TAP files uploaded through the REST API (POST /v1/roaming/tap-files). The file is on disk (file_path) before the
-- row is written; the API's ingestion service takes queued uploads in order and, after a restart, those it had not
-- finished (state ingesting), which the ingestion outbox then resumes. job_id names the ingestion job once it exists;
-- result_json is the ingestion's summary when the upload is done (complete, partial, refused or failed).
CREATE TABLE tap_uploads (
    upload_id      TEXT    NOT NULL PRIMARY KEY,
    msp_id         TEXT    NOT NULL,
    file_name      TEXT    NULL,
    file_path      TEXT    NOT NULL,
    file_bytes     BIGINT  NOT NULL,
    file_sha256    TEXT    NOT NULL,
    settings_json  TEXT    NOT NULL,
    state          TEXT    NOT NULL,
    job_id         TEXT    NULL,
    result_json    TEXT    NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE INDEX ix_tap_uploads_state ON tap_uploads (state, created_at);
