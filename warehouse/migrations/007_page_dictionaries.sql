-- The zstd dictionaries raw pages are packed with (warehouse/compress.py). Warehouses from before
-- this migration may already hold the table (compress.py used to create it on first use): IF NOT
-- EXISTS keeps their rows, and the columns are the same.
CREATE TABLE IF NOT EXISTS page_dictionaries (
    dict_id        BIGINT PRIMARY KEY,  -- version_pages.codec = 'zstd-dict:' || dict_id
    family         VARCHAR NOT NULL,    -- the portal ("detik", ...) or, for any other site, its host
    created_at     TIMESTAMPTZ NOT NULL,
    kind           VARCHAR NOT NULL,    -- raw: a stored page used as a raw-content dictionary
    baseline_bytes INTEGER NOT NULL,    -- mean packed size of the other samples with it
    dict           BLOB NOT NULL
);
