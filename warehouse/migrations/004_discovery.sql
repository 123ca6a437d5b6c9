-- Discovery: the feeds, sitemaps and index pages polled for new articles, and each poll.
CREATE TABLE sources (
    url                 VARCHAR PRIMARY KEY,
    kind                VARCHAR NOT NULL,       -- auto | rss | sitemap | index (as configured)
    every_minutes       DOUBLE NOT NULL,
    etag                VARCHAR,
    last_modified       VARCHAR,
    last_polled         TIMESTAMPTZ,
    next_poll           TIMESTAMPTZ,
    last_outcome        VARCHAR,
    last_error          VARCHAR,
    consecutive_errors  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE source_polls (
    run_id        VARCHAR NOT NULL,
    source_url    VARCHAR NOT NULL,
    polled_at     TIMESTAMPTZ NOT NULL,
    outcome       VARCHAR NOT NULL,    -- ok | not_modified | a fetch outcome | unreadable
    status_code   INTEGER,
    candidates    INTEGER NOT NULL DEFAULT 0,
    new_articles  INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,   -- links refused by the host allow-list
    error         VARCHAR
);

-- Relevant coverage for analysts: every article judged relevant, newest first.
CREATE VIEW coverage AS
SELECT a.url, a.portal, a.title, a.first_seen, a.published, a.relevance AS score, a.source,
       a.status,
       (SELECT count(*) FROM versions v WHERE v.article_url = a.url) AS versions,
       (SELECT count(*) FROM edit_records e WHERE e.article_url = a.url) AS edits
FROM articles a
WHERE a.relevant;
