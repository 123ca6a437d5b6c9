-- Discovery: the links a source listed that were not tracked, and why (media pages above all),
-- one row per (source, link); and per poll, how many were media and how many wait for the cap.
CREATE TABLE discovery_rejections (
    source_url  VARCHAR NOT NULL,
    url         VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,   -- media | not_article (home, section, tag page) | refused (host filter)
    detail      VARCHAR,            -- e.g. "media: video", "links to the portal home page"
    first_seen  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    times_seen  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (source_url, url)
);

ALTER TABLE source_polls ADD COLUMN media INTEGER DEFAULT 0;     -- links refused as media pages
ALTER TABLE source_polls ADD COLUMN deferred INTEGER DEFAULT 0;  -- new links over the source's max_new
ALTER TABLE sources ADD COLUMN max_new INTEGER;                  -- as configured
