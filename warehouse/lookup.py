"""A stored article found by any URL seen for it: its display URL, an alias (`url_aliases`: the
tracked URL, a listed link, a redirect hop, the canonical link, a merged article's URL), the
URL's canonical form, or its identity key. Read-only."""
from __future__ import annotations

import dataclasses

import duckdb

from beritawatch.urls import alias_form, article_key, canonical_url

DISPLAY, ALIAS, CANONICAL_FORM, KEY = "display", "alias", "canonical", "key"


@dataclasses.dataclass(frozen=True, slots=True)
class Resolved:
    """The article a URL led to, and how: `via` names the match; `alias` and `kind` say which
    recorded alias (and how it was seen), `key` which identity."""

    url: str  # the article's display URL (`articles.url`)
    via: str  # DISPLAY, ALIAS, CANONICAL_FORM or KEY
    alias: str | None = None
    kind: str | None = None
    key: str | None = None


def resolve_article(con: duckdb.DuckDBPyConnection, url: str) -> Resolved | None:
    """The stored article `url` names, most exact match first; None when none is known."""
    if _one(con, "SELECT url FROM articles WHERE url = ?", url):
        return Resolved(url, DISPLAY)
    try:
        seen, canonical, key = alias_form(url), canonical_url(url), article_key(url)
    except ValueError:
        return None
    alias = con.execute("""SELECT article_url, alias, kind FROM url_aliases WHERE alias IN (?, ?)
                           ORDER BY alias = ? DESC LIMIT 1""", [url, seen, url]).fetchone()
    if alias is not None:
        return Resolved(alias[0], ALIAS, alias=alias[1], kind=alias[2])
    if _one(con, "SELECT url FROM articles WHERE url = ?", canonical):
        return Resolved(canonical, CANONICAL_FORM, alias=canonical)
    owner = _one(con, """SELECT url FROM articles WHERE key = ?
                         UNION ALL SELECT min(article_url) FROM url_aliases WHERE key = ? HAVING count(*) > 0""",
                 key, key)
    return Resolved(owner, KEY, key=key) if owner else None


def _one(con: duckdb.DuckDBPyConnection, sql: str, *params: str) -> str | None:
    row = con.execute(sql, list(params)).fetchone()
    return str(row[0]) if row else None
