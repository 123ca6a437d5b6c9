"""One article, one identity: every URL seen for an article is an alias of it, matched by the
host-independent key of `beritawatch.urls.article_key`.

`articles.url` stays the article's display URL (the first canonical URL seen) and the foreign key
of every other table; `articles.key` is its identity. `url_aliases` maps each URL seen (tracked,
discovered, a redirect hop, the page's canonical link, an m./www./AMP twin) to its article, with
the URL's own key: a URL whose key is already known joins that article instead of becoming a
second one. When a check shows that two stored articles are one (a tracked URL now redirects to
an address discovered separately), the later one is merged into the first: its versions, edits,
events, fetches and alerts are re-pointed, nothing is deleted but the duplicate row itself.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urljoin

import duckdb

from beritawatch.check import PARSED, UNCHANGED_304, CheckResult
from beritawatch.urls import alias_form, article_key, canonical_url, is_article_url, portal_of
from warehouse.db import insert_rows

# How an alias was first seen.
TRACK, DISCOVER, REDIRECT, CANONICAL, MERGED = "track", "discover", "redirect", "canonical", "merged"
ALIAS_COLUMNS = (("alias", "VARCHAR"), ("article_url", "VARCHAR"), ("key", "VARCHAR"), ("kind", "VARCHAR"),
                 ("first_seen", "TIMESTAMPTZ"), ("run_id", "VARCHAR"))
# Tables whose rows belong to an article through an `article_url` column: re-pointed by a merge.
ARTICLE_TABLES = ("versions", "edit_records", "events", "fetches", "alerts", "url_aliases")
_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True, slots=True)
class Seen:
    """One URL seen for an article, in alias form, with its key and how it was seen."""

    alias: str
    key: str
    kind: str


def seen(url: str, kind: str) -> Seen | None:
    """The alias record of `url` (None for something that is no web address)."""
    try:
        return Seen(alias_form(url), article_key(url), kind)
    except ValueError:
        return None


def owners(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> dict[str, str]:
    """key -> the article URL that owns it, for the keys already known."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = con.execute("""SELECT key, min(article_url) FROM url_aliases
                          WHERE key IN (SELECT unnest(?::VARCHAR[])) GROUP BY key
                          UNION ALL
                          SELECT key, url FROM articles WHERE key IN (SELECT unnest(?::VARCHAR[]))""",
                       [wanted, wanted]).fetchall()
    return {key: url for key, url in rows}


def add_aliases(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[Seen, str]], now: dt.datetime,
                run_id: str | None) -> None:
    """Record (alias, article URL) pairs; an alias already recorded keeps its first record."""
    unique = {item.alias: (item.alias, article, item.key, item.kind, now, run_id) for item, article in reversed(rows)}
    if not unique:
        return
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _aliases_in AS SELECT * FROM url_aliases LIMIT 0")
    con.execute("DELETE FROM _aliases_in")
    insert_rows(con, "_aliases_in", ALIAS_COLUMNS, list(unique.values()))
    con.execute("""INSERT INTO url_aliases SELECT * FROM _aliases_in i
                   WHERE NOT EXISTS (SELECT 1 FROM url_aliases u WHERE u.alias = i.alias)""")


def track(con: duckdb.DuckDBPyConnection, articles: Iterable[tuple[str, str | None]], source: str,
          now: dt.datetime, also_seen: Iterable[str] = (), run_id: str | None = None) -> list[str]:
    """Add the (url, portal) pairs whose identity is not known yet as articles (display URL: the
    canonical URL); record every URL, and each of `also_seen`, as an alias. Returns the new
    articles' URLs: a twin, a short form or a migrated address of a known article is not new."""
    incoming, records = _incoming(articles, source)
    records += [item for item in (seen(url, source) for url in also_seen) if item is not None]
    known = owners(con, [*incoming, *(r.key for r in records)])
    new = _new_articles(con, incoming, known)
    insert_rows(con, "articles", (("url", "VARCHAR"), ("key", "VARCHAR"), ("portal", "VARCHAR"),
                                  ("source", "VARCHAR"), ("first_seen", "TIMESTAMPTZ")),
                [(url, key, portal, source, now) for url, key, portal in new])
    add_aliases(con, [(r, known[r.key]) for r in records if r.key in known], now, run_id)
    return [url for url, _, _ in new]


def _incoming(articles: Iterable[tuple[str, str | None]],
              source: str) -> tuple[dict[str, tuple[str, str | None]], list[Seen]]:
    """key -> (canonical url, portal) of the web addresses among `articles` (the first of a key
    wins), and the alias records of each address and its canonical form."""
    incoming: dict[str, tuple[str, str | None]] = {}
    records: list[Seen] = []
    for url, portal in articles:
        item = seen(url, source)
        if item is None:
            continue
        incoming.setdefault(item.key, (canonical_url(url), portal or portal_of(url)))
        records.append(item)
        records.append(Seen(alias_form(incoming[item.key][0]), item.key, source))
    return incoming, records


def _new_articles(con: duckdb.DuckDBPyConnection, incoming: dict[str, tuple[str, str | None]],
                  known: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """(url, key, portal) of the incoming identities no stored article holds; `known` gains every key."""
    taken = {row[0] for row in con.execute("SELECT url FROM articles WHERE url IN (SELECT unnest(?::VARCHAR[]))",
                                           [[url for url, _ in incoming.values()]]).fetchall()}
    new = []
    for key, (url, portal) in incoming.items():
        if key in known:
            continue
        known[key] = url
        if url not in taken:  # else a display URL whose key was computed differently once: same article
            new.append((url, key, portal))
    return new


# -- what a check saw ---------------------------------------------------------------------------

def seen_in_check(result: CheckResult) -> list[Seen]:
    """The URLs a check proved belong to its article: each redirect hop of page 1 when the chain
    ended on the article, and the page's canonical link when it names the same article (a twin).
    Hops to a home or section page (a takedown) and canonical links to another article are not
    aliases; on hosts that are no known portal only the final address counts."""
    if result.outcome not in (PARSED, UNCHANGED_304) or not result.fetches:
        return []
    first = result.first_fetch
    final = first.final_url or first.url
    found = _redirect_aliases(first.redirects, final)
    canonical = _canonical_alias(result, final)
    if canonical is not None:
        found.append(canonical)
    return found


def _redirect_aliases(hops: Sequence[str], final: str) -> list[Seen]:
    """The redirect hops (and the final address) that are the article, not a home or section page."""
    found: list[Seen] = []
    for hop in (*hops, final):
        item = seen(hop, REDIRECT)
        if item is None or (portal_of(hop) and not is_article_url(hop)):
            continue
        if not portal_of(hop) and hop != final:
            continue
        found.append(item)
    return found


def _canonical_alias(result: CheckResult, final: str) -> Seen | None:
    """The parsed page's canonical link when it names the same article as `final` (a twin)."""
    article = result.article
    if result.outcome != PARSED or article is None or not article.url:
        return None
    link = urljoin(final, article.url)
    try:  # urls.canonical_url refuses a link to another site, a home or a section page
        accepted = canonical_url(final, link) == canonical_url(link)
    except ValueError:
        accepted = False
    item, own = seen(link, CANONICAL), seen(final, REDIRECT)
    if accepted and item is not None and own is not None and item.key == own.key:
        return item
    return None


@dataclasses.dataclass
class Absorbed:
    """The checks of a pass after identity: one result per article, the others' fetches, merges."""

    results: list[CheckResult]
    extra: list[CheckResult]  # duplicate checks of an article (only their fetches are stored)
    merges: list[tuple[str, str]]  # (kept article, merged article)


def absorb_checks(con: duckdb.DuckDBPyConnection, results: Sequence[CheckResult], now: dt.datetime,
                  run_id: str) -> Absorbed:
    """Record the aliases each check saw; merge articles a check proved to be one; return the
    results re-pointed at the surviving articles, one per article (a parsed one first)."""
    per_result = [seen_in_check(r) for r in results]
    known = owners(con, [s.key for found in per_result for s in found])
    moved: dict[str, str] = {}  # merged article -> survivor
    merges: list[tuple[str, str]] = []

    def find(url: str) -> str:
        while url in moved:
            url = moved[url]
        return url

    aliases: list[tuple[Seen, str]] = []
    for result, found in zip(results, per_result, strict=True):
        for item in found:
            mine = find(result.due.url)
            owner = find(known.get(item.key, mine))
            if owner != mine:
                keep, gone = survivor(con, mine, owner)
                merge_articles(con, keep, gone, now, run_id, reason=f"{item.kind} {item.alias}")
                moved[gone] = keep
                merges.append((keep, gone))
            known.setdefault(item.key, mine)
            aliases.append((item, mine))
    add_aliases(con, [(item, find(url)) for item, url in aliases], now, run_id)
    return _one_per_article(results, find, merges)


def _one_per_article(results: Sequence[CheckResult], find: Any, merges: list[tuple[str, str]]) -> Absorbed:
    chosen: dict[str, CheckResult] = {}
    extra: list[CheckResult] = []
    rank = {PARSED: 0, UNCHANGED_304: 1}
    for result in results:
        target = find(result.due.url)
        if target != result.due.url:
            result = dataclasses.replace(result, due=dataclasses.replace(result.due, url=target))
        held = chosen.get(target)
        if held is None:
            chosen[target] = result
        elif rank.get(result.outcome, 2) < rank.get(held.outcome, 2):
            chosen[target] = result
            extra.append(held)
        else:
            extra.append(result)
    return Absorbed(list(chosen.values()), extra, merges)


# -- merging ------------------------------------------------------------------------------------

_STATE = ("url", "key", "portal", "source", "first_seen", "active", "status", "title", "published", "current_hash",
          "current_meta_hash", "last_checked", "last_changed", "next_check", "consecutive_errors",
          "removal_strikes", "relevance", "relevant", "relevance_evidence")


_MERGED_COLUMNS = ("source", "first_seen", "active", "status", "title", "published", "current_hash",
                   "current_meta_hash", "etag", "last_modified", "last_checked", "last_changed", "next_check",
                   "consecutive_errors", "removal_strikes", "relevance", "relevant", "relevance_evidence")


def _rows(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, dict[str, Any]]:
    found = con.execute(f"SELECT {', '.join(_STATE)} FROM articles WHERE url IN (SELECT unnest(?::VARCHAR[]))",
                        [list(urls)]).fetchall()
    rows = {values[0]: dict(zip(_STATE, values, strict=True)) for values in found}
    missing = [url for url in urls if url not in rows]
    if missing:
        raise LookupError(f"no article {missing[0]!r}")
    return rows


def survivor(con: duckdb.DuckDBPyConnection, one: str, other: str) -> tuple[str, str]:
    """(kept, merged): the article seen first stays (a tracked one on a tie), so its display URL,
    alert keys and history stay where analysts found them."""
    rows = _rows(con, [one, other])
    a, b = rows[one], rows[other]

    def order(row: dict[str, Any]) -> tuple[dt.datetime, bool, str]:
        return (row["first_seen"] or _NEVER, row["source"] != TRACK, row["url"])

    first, second = sorted((a, b), key=order)
    return first["url"], second["url"]


def merged_state(keep: dict[str, Any], gone: dict[str, Any]) -> dict[str, Any]:
    """The kept article's row after absorbing `gone`: the state of whichever was checked last,
    relevance if either was relevant, the earliest first sighting, tracked if either was."""
    newer, older = (gone, keep) if (gone["last_checked"] or _NEVER) > (keep["last_checked"] or _NEVER) else (keep, gone)
    return {**_joined_identity(keep, gone), **_latest_check(newer, older), **_schedule(keep, gone),
            **_relevance(keep, gone)}


def _joined_identity(keep: dict[str, Any], gone: dict[str, Any]) -> dict[str, Any]:
    """Tracked if either was, the earliest sighting, active if either is, the first known publication."""
    return {
        "source": TRACK if TRACK in (keep["source"], gone["source"]) else keep["source"],
        "first_seen": min(keep["first_seen"], gone["first_seen"]),
        "active": bool(keep["active"] or gone["active"]),
        "published": keep["published"] or gone["published"],
    }


def _latest_check(newer: dict[str, Any], older: dict[str, Any]) -> dict[str, Any]:
    """The state of the article checked last (its content hashes: of the other when it has none)."""
    hashed = newer if newer["current_hash"] is not None else older
    return {
        "status": newer["status"], "title": newer["title"] or older["title"],
        "current_hash": hashed["current_hash"], "current_meta_hash": hashed["current_meta_hash"],
        "etag": None, "last_modified": None,  # validators of another address: fetch whole next time
        "last_checked": newer["last_checked"],
        "consecutive_errors": newer["consecutive_errors"], "removal_strikes": newer["removal_strikes"],
    }


def _schedule(keep: dict[str, Any], gone: dict[str, Any]) -> dict[str, Any]:
    """The latest change of either, and the earlier next check when both have one."""
    due = [d for d in (keep["next_check"], gone["next_check"]) if d is not None]
    changed = [d for d in (keep["last_changed"], gone["last_changed"]) if d is not None]
    return {"last_changed": max(changed) if changed else None, "next_check": min(due) if len(due) == 2 else None}


def _relevance(keep: dict[str, Any], gone: dict[str, Any]) -> dict[str, Any]:
    """The merged-in article's relevance when only it was relevant or the kept one was never scored,
    else the kept one's."""
    scored = gone if (gone["relevant"] and not keep["relevant"]) or keep["relevance"] is None else keep
    return {"relevance": scored["relevance"], "relevant": scored["relevant"],
            "relevance_evidence": scored["relevance_evidence"]}


def merge_articles(con: duckdb.DuckDBPyConnection, keep: str, gone: str, now: dt.datetime,
                   run_id: str | None, reason: str) -> None:
    """Merge article `gone` into `keep` (see `merge_groups`)."""
    if keep != gone:
        merge_groups(con, [(keep, [gone], reason)], now, run_id)


def merge_groups(con: duckdb.DuckDBPyConnection, groups: Sequence[tuple[str, Sequence[str], str]],
                 now: dt.datetime, run_id: str | None) -> None:
    """Merge each group's articles into its first, `keep`: every row of the others re-pointed
    (one statement per table for all groups), their URLs and keys kept as aliases, one `merged`
    event each; only the duplicate `articles` rows are deleted."""
    pairs = [(gone, keep) for keep, gones, _ in groups for gone in gones]
    if not pairs:
        return
    rows = _rows(con, [url for keep, gones, _ in groups for url in (keep, *gones)])
    aliases: list[tuple[Seen, str]] = []
    events, states = [], []
    for keep, gones, reason in groups:
        state = rows[keep]
        for gone in gones:
            merged = rows[gone]
            state = {**state, **merged_state(state, merged)}
            aliases.append((Seen(alias_form(gone), merged["key"] or article_key(gone), MERGED), keep))
            detail = {"merged": gone, "merged_key": merged["key"], "kept_key": rows[keep]["key"], "evidence": reason,
                      "note": f"one article with {gone} ({reason})"}
            events.append((run_id, now, "merged", state["portal"], keep, json.dumps(detail, ensure_ascii=False)))
        states.append((keep, *(state[name] for name in _MERGED_COLUMNS)))
    types = dict(con.execute("""SELECT column_name, data_type FROM information_schema.columns
                                WHERE table_name = 'articles' AND table_schema = 'main'""").fetchall())
    columns = [("url", "VARCHAR"), *((name, types[name]) for name in _MERGED_COLUMNS)]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _merged_states ({', '.join(f'{n} {t}' for n, t in columns)})")
    insert_rows(con, "_merged_states", columns, states)
    con.execute(f"""UPDATE articles SET {', '.join(f'{name} = s.{name}' for name in _MERGED_COLUMNS)}
                    FROM _merged_states s WHERE articles.url = s.url""")
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _merges (gone VARCHAR, keep VARCHAR)")
    con.execute("DELETE FROM _merges")
    insert_rows(con, "_merges", (("gone", "VARCHAR"), ("keep", "VARCHAR")), pairs)
    for table in ARTICLE_TABLES:
        con.execute(f"UPDATE {table} SET article_url = m.keep FROM _merges m WHERE {table}.article_url = m.gone")
    con.execute("DELETE FROM articles WHERE url IN (SELECT gone FROM _merges)")
    add_aliases(con, aliases, now, run_id)
    insert_rows(con, "events", (("run_id", "VARCHAR"), ("happened_at", "TIMESTAMPTZ"), ("kind", "VARCHAR"),
                                ("portal", "VARCHAR"), ("article_url", "VARCHAR"), ("detail", "JSON")), events)


def backfill(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[tuple[str, str]]:
    """Give every article its key and alias, then merge the articles that share a key (the
    migration of a warehouse that keyed articles on a host-bearing URL)."""
    rows = con.execute("SELECT url, source, first_seen FROM articles WHERE key IS NULL").fetchall()
    keyed = []
    for url, source, _ in rows:
        item = seen(url, source)
        keyed.append((url, item.key if item else url))
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _keys (url VARCHAR, key VARCHAR)")
    con.execute("DELETE FROM _keys")
    insert_rows(con, "_keys", (("url", "VARCHAR"), ("key", "VARCHAR")), keyed)
    con.execute("UPDATE articles SET key = k.key FROM _keys k WHERE articles.url = k.url")
    groups = con.execute("""SELECT key, list(url ORDER BY first_seen, source <> 'track', url)
                            FROM articles GROUP BY key HAVING count(*) > 1 ORDER BY key""").fetchall()
    merge_groups(con, [(urls[0], urls[1:], f"same key {key}") for key, urls in groups], now, None)
    merges = [(urls[0], gone) for _, urls in groups for gone in urls[1:]]
    add_aliases(con, [(Seen(alias_form(url), key, source), url)
                      for url, key, source in con.execute("SELECT url, key, source FROM articles").fetchall()],
                now, None)
    return merges
