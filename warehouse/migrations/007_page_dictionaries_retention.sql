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

-- Retention (warehouse/retention.py): fetches and source polls older than the kept window are
-- folded into one row per day and kind here, then deleted, so those two tables stop growing.
CREATE TABLE IF NOT EXISTS fetch_days (
    day          DATE NOT NULL,
    outcome      VARCHAR NOT NULL,
    status_code  INTEGER NOT NULL,        -- 0 when the fetch got no HTTP answer
    fetches      BIGINT NOT NULL,
    bytes        BIGINT NOT NULL,
    elapsed_ms   DOUBLE,                  -- mean
    articles     BIGINT NOT NULL,         -- distinct articles fetched that day (with this outcome)
    PRIMARY KEY (day, outcome, status_code)
);

CREATE TABLE IF NOT EXISTS source_poll_days (
    day           DATE NOT NULL,
    source_url    VARCHAR NOT NULL,
    outcome       VARCHAR NOT NULL,
    polls         BIGINT NOT NULL,
    candidates    BIGINT NOT NULL,
    new_articles  BIGINT NOT NULL,
    rejected      BIGINT NOT NULL,
    PRIMARY KEY (day, source_url, outcome)
);
