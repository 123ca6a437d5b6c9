-- Stories across portals: fingerprints and the candidate index, story membership with roles,
-- what drifted between outlets, and the views analysts query.

-- One row per fingerprinted article (its latest version): MinHash signatures and facts.
CREATE TABLE story_fingerprints (
    article_url       VARCHAR PRIMARY KEY,
    version_id        BIGINT NOT NULL,
    portal            VARCHAR,
    dated             TIMESTAMPTZ NOT NULL,      -- published, else first seen
    title             VARCHAR,
    shingles          BIGINT[] NOT NULL,         -- MinHash of 3-word shingles
    words             BIGINT[] NOT NULL,         -- MinHash of content words
    facts             JSON NOT NULL,             -- numbers, quotes, names, title words
    fingerprinted_at  TIMESTAMPTZ NOT NULL
);

-- The candidate index: LSH band keys of both signatures, quote keys, number+unit keys.
-- A new article is compared only with articles sharing keys with it inside the time window.
-- No ART index on key: measured on 3.4 M rows it did not speed the lookup (a semi-join whose scan
-- the time filter prunes through zone maps, rows arriving in time order) and tripled insert time.
CREATE TABLE story_index (
    key          BIGINT NOT NULL,
    kind         VARCHAR NOT NULL,               -- band | quote | number
    article_url  VARCHAR NOT NULL,
    dated        TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE story_id_seq;
CREATE TABLE story_groups (
    story_id    BIGINT PRIMARY KEY DEFAULT nextval('story_id_seq'),
    created_at  TIMESTAMPTZ NOT NULL,
    run_id      VARCHAR
);

-- Membership: every article is in at most one story; role and evidence against the first member.
CREATE TABLE story_links (
    article_url    VARCHAR PRIMARY KEY,
    story_id       BIGINT NOT NULL,
    role           VARCHAR NOT NULL,             -- first | copy | rewrite | follow-up
    similarity     DOUBLE,                       -- against the first member (1 for the first)
    evidence       JSON,                         -- shingles, words, quotes, numbers, names, title, score
    joined_at      TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR
);

-- Sentence-level drift of each member against the story's first member (rebuilt when the
-- story changes): added (only this member has it), missing, changed (with reasons).
CREATE TABLE story_drift (
    story_id       BIGINT NOT NULL,
    article_url    VARCHAR NOT NULL,
    reference_url  VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    text           VARCHAR,
    other_text     VARCHAR,
    reasons        VARCHAR[],
    new_facts      VARCHAR[],
    found_at       TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR
);

CREATE VIEW story_members AS
SELECT l.story_id, l.article_url AS url, a.portal, a.title, l.role, l.similarity,
       f.dated AS published_or_seen, a.published, a.first_seen, a.relevant, l.joined_at, l.evidence
FROM story_links l
JOIN articles a ON a.url = l.article_url
LEFT JOIN story_fingerprints f ON f.article_url = l.article_url;

CREATE VIEW stories AS
SELECT m.story_id,
       arg_min(m.title, m.published_or_seen) AS title,
       arg_min(m.url, m.published_or_seen) AS first_url,
       arg_min(m.portal, m.published_or_seen) AS first_portal,
       count(*) AS members,
       string_agg(DISTINCT m.portal, ', ' ORDER BY m.portal) AS portals,
       min(m.published_or_seen) AS started,
       max(m.published_or_seen) AS latest,
       bool_or(coalesce(m.relevant, false)) AS relevant,
       (SELECT count(*) FROM story_drift d WHERE d.story_id = m.story_id) AS differences,
       g.created_at
FROM story_members m
JOIN story_groups g ON g.story_id = m.story_id
GROUP BY m.story_id, g.created_at;

-- What drifted, plus the edits a member made after another outlet's version had appeared.
CREATE VIEW story_differences AS
SELECT d.story_id, d.article_url AS url, ma.portal, d.reference_url, ra.portal AS reference_portal,
       d.kind, d.text, d.other_text, d.reasons, d.new_facts, d.found_at AS happened_at
FROM story_drift d
JOIN articles ma ON ma.url = d.article_url
JOIN articles ra ON ra.url = d.reference_url
UNION ALL
SELECT l.story_id, e.article_url AS url, a.portal, NULL AS reference_url,
       (SELECT string_agg(DISTINCT oa.portal, ', ' ORDER BY oa.portal) FROM story_links o JOIN articles oa ON oa.url = o.article_url
        WHERE o.story_id = l.story_id AND o.article_url <> e.article_url
          AND (SELECT min(v.seen_at) FROM versions v WHERE v.article_url = o.article_url) < e.detected_at
       ) AS reference_portal,
       'edited_after' AS kind, e.summary AS text, NULL AS other_text, NULL::VARCHAR[] AS reasons,
       e.added AS new_facts, e.detected_at AS happened_at
FROM edit_records e
JOIN story_links l ON l.article_url = e.article_url
JOIN articles a ON a.url = e.article_url
WHERE EXISTS (SELECT 1 FROM story_links o WHERE o.story_id = l.story_id AND o.article_url <> e.article_url
              AND (SELECT min(v.seen_at) FROM versions v WHERE v.article_url = o.article_url) < e.detected_at);
