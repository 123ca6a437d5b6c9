-- Foundation schema: runs, tracked articles, every fetch attempt, content versions, raw pages.
CREATE SEQUENCE fetch_id_seq;
CREATE SEQUENCE version_id_seq;

CREATE TABLE runs (
    run_id       VARCHAR PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    flow_run_id  VARCHAR,
    status       VARCHAR NOT NULL,          -- running | completed | crashed
    summary      JSON
);

-- One row per article identity (canonical URL), tracked or discovered.
CREATE TABLE articles (
    url                 VARCHAR PRIMARY KEY,
    portal              VARCHAR,
    source              VARCHAR NOT NULL,   -- track | discover
    first_seen          TIMESTAMPTZ NOT NULL,
    active              BOOLEAN NOT NULL DEFAULT TRUE,   -- still on the revisit schedule
    status              VARCHAR NOT NULL DEFAULT 'new',  -- new | ok | error | removed
    title               VARCHAR,
    published           TIMESTAMPTZ,
    current_hash        VARCHAR,
    etag                VARCHAR,
    last_modified       VARCHAR,
    last_checked        TIMESTAMPTZ,
    last_changed        TIMESTAMPTZ,
    next_check          TIMESTAMPTZ,
    consecutive_errors  INTEGER NOT NULL DEFAULT 0
);

-- Every HTTP attempt for an article page, successful or not.
CREATE TABLE fetches (
    fetch_id      BIGINT PRIMARY KEY DEFAULT nextval('fetch_id_seq'),
    run_id        VARCHAR NOT NULL,
    article_url   VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,          -- the page requested (page 2 ... of the article too)
    requested_at  TIMESTAMPTZ NOT NULL,
    status_code   INTEGER,
    outcome       VARCHAR NOT NULL,          -- ok | not_modified | http_error | timeout | ...
    elapsed_ms    DOUBLE,
    bytes         BIGINT,
    etag          VARCHAR,
    last_modified VARCHAR,
    final_url     VARCHAR,
    redirects     VARCHAR[],
    error         VARCHAR
);

-- One row per distinct normalized content (title + body) of an article.
CREATE TABLE versions (
    version_id    BIGINT PRIMARY KEY DEFAULT nextval('version_id_seq'),
    article_url   VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    seen_at       TIMESTAMPTZ NOT NULL,
    content_hash  VARCHAR NOT NULL,
    meta_hash     VARCHAR,
    title         VARCHAR,
    authors       VARCHAR[],
    editors       VARCHAR[],
    published     TIMESTAMPTZ,
    updated       TIMESTAMPTZ,
    body          VARCHAR USING COMPRESSION zstd,  -- paragraphs joined by a blank line
    paragraphs    INTEGER,
    body_chars    INTEGER,
    page_url      VARCHAR,                   -- the page's own canonical URL
    parser        VARCHAR,
    paywalled     BOOLEAN
);
CREATE INDEX versions_article ON versions (article_url);

-- The raw HTML of every page of a version, zstd-compressed, for re-parsing later.
CREATE TABLE version_pages (
    version_id  BIGINT NOT NULL,
    seq         INTEGER NOT NULL,
    url         VARCHAR NOT NULL,
    codec       VARCHAR NOT NULL,            -- zstd
    html        BLOB NOT NULL,
    PRIMARY KEY (version_id, seq)
);

CREATE VIEW article_versions AS
SELECT v.article_url AS url,
       a.portal,
       row_number() OVER (PARTITION BY v.article_url ORDER BY v.seen_at, v.version_id) AS version,
       v.seen_at,
       v.title,
       v.authors,
       v.published,
       v.updated,
       v.paragraphs,
       v.body_chars,
       v.body,
       v.content_hash,
       v.version_id
FROM versions v
JOIN articles a ON a.url = v.article_url;
