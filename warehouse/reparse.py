"""Re-running the parsers over stored raw HTML after a parser fix, without inventing edits.

Every version keeps its id and raw pages; its derived fields (title, body, hashes ...) are
recomputed, the article's current hash follows, and edit records are rebuilt between consecutive
versions, so versions that now read the same stop counting as edits. Alerts already sent stay.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

import duckdb

import parsers
from beritawatch.changes import VersionText, content_hash, diff_versions, meta_hash
from beritawatch.report import fragments
from warehouse import compress
from warehouse.db import insert_select, transaction, write_lock

PageParser = Callable[[str | bytes, str], parsers.Article]


@dataclasses.dataclass
class ReparseStats:
    versions: int = 0
    changed: int = 0  # versions whose derived text changed
    failed: int = 0  # versions whose pages no longer parse as an article (left as they were)
    edits_before: int = 0
    edits_after: int = 0


def parse_pages(pages: Sequence[tuple[str, bytes]], parse: PageParser = parsers.parse) -> parsers.Article:
    """Parse the stored pages of one version and merge them into one article."""
    parts = [parse(html, url) for url, html in pages]
    return parsers.merge_pages(parts) if len(parts) > 1 else parts[0]


def reparse(con: duckdb.DuckDBPyConnection, *, parse: PageParser = parsers.parse,
            now: dt.datetime | None = None) -> ReparseStats:
    """Re-derive every stored version from its raw pages, in one transaction."""
    now = now or dt.datetime.now(dt.UTC)
    stats = ReparseStats()
    decompress = compress.Decoder(con)
    pages: dict[int, list[tuple[str, bytes]]] = collections.defaultdict(list)
    for version_id, url, codec, html in con.execute(
            "SELECT version_id, url, codec, html FROM version_pages ORDER BY version_id, seq").fetchall():
        pages[version_id].append((url, decompress(codec, html)))
    versions = con.execute("""SELECT version_id, article_url, content_hash, title, body
                              FROM versions ORDER BY article_url, version_id""").fetchall()
    new_hash: dict[int, str] = {}
    texts: dict[int, VersionText] = {}
    # On a lake: queued behind the passes' write windows (one writer at a time), never retried.
    with write_lock(con), transaction(con):
        stats.edits_before = _edit_count(con)
        for version_id, _url, old_hash, title, body in versions:
            stats.versions += 1
            texts[version_id] = VersionText(title or "", tuple(body.split("\n\n")) if body else ())
            new_hash[version_id] = old_hash
            if version_id not in pages:
                continue
            try:
                article = parse_pages(pages[version_id], parse)
            except parsers.ParseError:
                stats.failed += 1
                continue
            if article.not_article:
                stats.failed += 1
                continue
            digest = content_hash(article.title, article.body)
            texts[version_id] = VersionText.from_article(article)
            new_hash[version_id] = digest
            if digest != old_hash:
                stats.changed += 1
            con.execute("""UPDATE versions SET content_hash = ?, meta_hash = ?, title = ?, authors = ?,
                               editors = ?, published = ?, updated = ?, body = ?, paragraphs = ?,
                               body_chars = ?, page_url = ?, parser = ?, paywalled = ?
                           WHERE version_id = ?""",
                        [digest, meta_hash(article.authors, article.published, article.updated),
                         article.title, list(article.authors), list(article.editors), article.published,
                         article.updated, "\n\n".join(article.body), len(article.body),
                         sum(map(len, article.body)), article.url,
                         "generic" if article.fallback else article.portal, article.paywalled, version_id])
        _follow_current_hashes(con, versions, new_hash)
        _rebuild_edits(con, texts, new_hash)
        fragments.forget(con)  # the texts were rewritten in place: the next pass renders them again
        stats.edits_after = _edit_count(con)
        insert_select(con, "events", "happened_at, kind, detail", "SELECT ?, 'reparse', ?",
                      [now, json.dumps(dataclasses.asdict(stats))])
    return stats


def _edit_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM edit_records").fetchone()
    if row is None:  # count(*) always answers one row; None would mean a broken connection
        raise RuntimeError("counting edit_records returned no row")
    return int(row[0])


def _follow_current_hashes(con: duckdb.DuckDBPyConnection, versions: Sequence[tuple[Any, ...]],
                           new_hash: dict[int, str]) -> None:
    current = dict(con.execute("SELECT url, current_hash FROM articles").fetchall())
    for version_id, url, old_hash, _title, _body in versions:
        # The newest version carrying the article's current hash is its current version.
        if current.get(url) == old_hash:
            con.execute("UPDATE articles SET current_hash = ? WHERE url = ?", [new_hash[version_id], url])
            current[url] = object()  # matched: later versions with that old hash are older flips


def _rebuild_edits(con: duckdb.DuckDBPyConnection, texts: dict[int, VersionText],
                   new_hash: dict[int, str]) -> None:
    """Re-diff every stored edit; drop the ones whose two versions now read the same."""
    pairs = con.execute("SELECT old_version_id, new_version_id FROM edit_records").fetchall()
    for old_id, new_id in pairs:
        record = None
        if old_id in texts and new_id in texts and new_hash[old_id] != new_hash[new_id]:
            record = diff_versions(texts[old_id], texts[new_id])
        if record is None:
            con.execute("DELETE FROM edit_records WHERE old_version_id = ? AND new_version_id = ?",
                        [old_id, new_id])
            continue
        con.execute("""UPDATE edit_records SET kind = ?, title_changed = ?, lede_changed = ?,
                           numbers_changed = ?, change_ratio = ?, added = ?, removed = ?, changed = ?,
                           summary = ?, record = ?
                       WHERE old_version_id = ? AND new_version_id = ?""",
                    [record.kind, record.title_changed is not None, record.lede_changed,
                     record.numbers_changed, record.change_ratio, list(record.added), list(record.removed),
                     json.dumps([c.to_json() for c in record.changed], ensure_ascii=False),
                     record.summary(), json.dumps(record.to_json(), ensure_ascii=False), old_id, new_id])
