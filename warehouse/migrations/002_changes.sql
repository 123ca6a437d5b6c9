-- What changed: edit records between consecutive versions, article events, relevance, views.

-- Topic relevance of each article, decided when its first version is stored.
ALTER TABLE articles ADD COLUMN relevance DOUBLE;
ALTER TABLE articles ADD COLUMN relevant BOOLEAN;
ALTER TABLE articles ADD COLUMN relevance_evidence JSON;
ALTER TABLE articles ADD COLUMN removal_strikes INTEGER DEFAULT 0;

CREATE SEQUENCE edit_id_seq;
CREATE SEQUENCE event_id_seq;

-- One row per new version of an already known article: the sentence-level diff.
CREATE TABLE edit_records (
    edit_id              BIGINT PRIMARY KEY DEFAULT nextval('edit_id_seq'),
    article_url          VARCHAR NOT NULL,
    run_id               VARCHAR NOT NULL,
    detected_at          TIMESTAMPTZ NOT NULL,
    old_version_id       BIGINT NOT NULL,
    new_version_id       BIGINT NOT NULL,
    kind                 VARCHAR NOT NULL,   -- minor | substantive | rewrite
    title_changed        BOOLEAN NOT NULL,
    lede_changed         BOOLEAN NOT NULL,
    numbers_changed      BOOLEAN NOT NULL,
    change_ratio         DOUBLE,
    added                VARCHAR[],
    removed              VARCHAR[],
    changed              JSON,              -- [{old, new, similarity, reasons}]
    summary              VARCHAR,
    topic_score          DOUBLE,            -- relevance of the sentences the edit touched
    topic_terms          VARCHAR[],
    record               JSON               -- the full edit record
);

-- Things that happened to an article or a portal that are not versions.
CREATE TABLE events (
    event_id     BIGINT PRIMARY KEY DEFAULT nextval('event_id_seq'),
    run_id       VARCHAR,
    happened_at  TIMESTAMPTZ NOT NULL,
    kind         VARCHAR NOT NULL,   -- revert | meta_change | collapse | removal_suspected | removed | restored | portal_health | reparse
    portal       VARCHAR,
    article_url  VARCHAR,
    detail       JSON
);

CREATE VIEW edits AS
SELECT e.edit_id,
       e.article_url AS url,
       a.portal,
       a.title AS current_title,
       e.detected_at,
       e.kind,
       e.summary,
       e.title_changed,
       e.lede_changed,
       e.numbers_changed,
       e.change_ratio,
       e.added,
       e.removed,
       e.changed,
       e.topic_score,
       e.topic_terms,
       a.relevant AS article_relevant,
       e.old_version_id,
       e.new_version_id
FROM edit_records e
JOIN articles a ON a.url = e.article_url;

CREATE VIEW removals AS
SELECT ev.article_url AS url,
       a.portal,
       a.title,
       ev.kind,                    -- removed | restored
       ev.happened_at,
       json_extract_string(ev.detail, '$.reason') AS reason,
       a.status AS current_status
FROM events ev
JOIN articles a ON a.url = ev.article_url
WHERE ev.kind IN ('removed', 'restored');

CREATE VIEW portal_health AS
SELECT happened_at, portal, run_id,
       json_extract(detail, '$.checked')::INTEGER AS checked,
       json_extract(detail, '$.changed')::INTEGER AS changed,
       json_extract(detail, '$.failed')::INTEGER AS failed,
       json_extract_string(detail, '$.message') AS message
FROM events WHERE kind = 'portal_health';

ALTER TABLE articles ADD COLUMN current_meta_hash VARCHAR;
