"""Migration 005: one article, one identity.

Adds `articles.key` (the host-independent key of `beritawatch.urls.article_key`), the
`url_aliases` table (every URL seen for an article) and the analysts' view `article_aliases`;
then keys every stored article and merges the articles that turn out to share a key (an m./www.
twin, an old and a new Tempo address, a Republika double-slash URL stored apart): their versions,
edits, events, fetches and alerts are re-pointed at the article seen first, nothing is deleted but
the duplicate row, and no alert is created. `articles.url` stays the primary key and display URL,
so every existing view and query keeps working.
"""
from __future__ import annotations

import datetime as dt

import duckdb

from warehouse import identity

STRUCTURE = """
ALTER TABLE articles ADD COLUMN key VARCHAR;   -- identity: beritawatch.urls.article_key

-- Every URL seen for an article: tracked, discovered, a redirect hop, the page's canonical link,
-- an m./www./AMP twin (as seen, minus tracking parameters), with the URL's own key.
CREATE TABLE url_aliases (
    alias        VARCHAR PRIMARY KEY,
    article_url  VARCHAR NOT NULL,
    key          VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,   -- track | discover | redirect | canonical | merged
    first_seen   TIMESTAMPTZ NOT NULL,
    run_id       VARCHAR
);
CREATE INDEX url_aliases_key ON url_aliases (key);

CREATE VIEW article_aliases AS
SELECT a.url, a.portal, a.key, a.title, al.alias, al.key AS alias_key, al.kind, al.first_seen,
       al.alias = a.url AS is_display_url
FROM url_aliases al
JOIN articles a ON a.url = al.article_url;
"""


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(STRUCTURE)
    identity.backfill(con, dt.datetime.now(dt.UTC))
