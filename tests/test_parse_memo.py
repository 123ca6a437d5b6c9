"""Parse memos (beritawatch/parse_memo.py): a page whose fast-path cut is unchanged takes its article
from the memo, and everything a pass decides and stores is the same as with every page parsed."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import pathlib
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
import zstandard

import parsers
from bench.corpus import wrap
from bench.replica import BenchReplica
from beritawatch import parse_memo
from beritawatch.changes import content_hash
from beritawatch.check import FETCH_FAILED, PARSED, CheckResult, DueArticle, check_many, slim
from beritawatch.config import HttpSettings
from beritawatch.fetch import Fetcher
from beritawatch.parse_memo import (
    PageReader,
    article_json,
    article_of,
    decode,
    encode,
    rows_to_store,
    stored_form,
)
from beritawatch.relevance import default_topics
from beritawatch.testing.replica.render import ArticleSpec, page_urls, render
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import tracked_articles
from flows import monitor
from parsers.portals import PACKS
from tests.conftest import WarehouseSpec
from warehouse import store
from warehouse.backend import locate
from warehouse.db import connect, write

FIXTURES = sorted(page for pack in PACKS for page in pack.fixtures.glob("*.html"))
T0 = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)


def portal_pages() -> list[tuple[bytes, str]]:
    """The tracked articles' pages in their portals' full chrome (the golden fixtures and the bare
    replica pages are too small for the parsers' fast path: no region, nothing remembered)."""
    pages = []
    for spec in tracked_articles():
        for url in page_urls(spec):
            html = render(spec, url)
            assert html is not None
            pages.append((wrap(html.encode(), url, spec.portal), url))
    return pages


PAGES = portal_pages()


@pytest.fixture
def replica() -> Iterator[Replica]:
    """The loopback replica serving the tracked articles in their portals' chrome."""
    with BenchReplica() as server:
        for spec in tracked_articles():
            server.add_article(spec)
        yield server


def fixture(page: pathlib.Path) -> tuple[bytes, str]:
    golden = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    return page.read_bytes(), str(golden["fetched_url"])


def remembered(html: bytes, url: str) -> bytes | None:
    """The memo a first check of this one page leaves, as stored."""
    reader = PageReader(None)
    article = reader.parse(html, url)
    memo = reader.update(reader.content_hash(article))
    return stored_form(memo) if memo is not None else None


def _times(article: parsers.Article) -> list[tuple[str, str | None]]:
    return [(value.isoformat(), value.tzname()) for value in (article.published, article.updated) if value]


@pytest.mark.parametrize("page", FIXTURES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_an_article_comes_back_from_its_json_exactly(page: pathlib.Path) -> None:
    parsed = parsers.parse(*fixture(page))
    back = article_of(json.loads(json.dumps(article_json(parsed))))
    assert back == parsed and _times(back) == _times(parsed)  # zones named as they were


@pytest.mark.parametrize("number", range(len(PAGES)))
def test_a_remembered_page_gives_exactly_the_parsed_article(number: int) -> None:
    html, url = PAGES[number]
    parsed = parsers.parse(html, url)
    memo = remembered(html, url)
    reader = PageReader(memo)
    again = reader.parse(html, url)
    assert again == parsed and _times(again) == _times(parsed)
    assert reader.content_hash(again) == content_hash(parsed.title, parsed.body)
    read_alone = parsers.parse_cut(parsers.cut(html, url))[1]
    # only an article read from the region alone is remembered (and then it is reused)
    assert (memo is not None, reader.reused) == (read_alone, int(read_alone))
    assert reader.update(reader.content_hash(again)) is None  # nothing new to store


def a_page() -> tuple[bytes, str]:
    """A page that the fast path reads from its region alone."""
    for html, url in PAGES:
        if parsers.parse_cut(parsers.cut(html, url))[1]:
            return html, url
    raise AssertionError("no page is read from its region alone")


def test_most_portal_pages_are_read_from_their_region_alone() -> None:
    alone = [parsers.parse_cut(parsers.cut(html, url))[1] for html, url in PAGES]
    assert sum(alone) >= len(PAGES) - 2, alone  # else the memo tests below prove little


def test_a_change_inside_the_region_is_parsed_again_outside_it_is_not() -> None:
    html, url = a_page()
    memo = remembered(html, url)
    parsed = parsers.parse(html, url)
    word = parsed.body[0].split()[-1].encode()
    inside = html.replace(word, word + b" tambahan", 1)
    reader = PageReader(memo)
    changed = reader.parse(inside, url)
    assert reader.reused == 0 and changed == parsers.parse(inside, url) and changed != parsed
    assert reader.update(reader.content_hash(changed)) is not None  # the next check remembers this one
    outside = html.replace(b"</body>", b'<div class="ads">iklan 12345</div></body>', 1)
    assert parsers.parse(outside, url) == parsed
    reader = PageReader(memo)
    assert reader.parse(outside, url) == parsed and reader.reused == 1


def test_another_address_or_parser_code_or_a_broken_memo_parses_again(monkeypatch: pytest.MonkeyPatch) -> None:
    html, url = a_page()
    memo = remembered(html, url)
    other = url + "?utm_source=x"
    reader = PageReader(memo)
    assert reader.parse(html, other) == parsers.parse(html, other) and reader.reused == 0
    for broken in (b"not zstd", zstandard.ZstdCompressor().compress(b"{\"format\": 1, \"pages\": [[1]]}"),
                   zstandard.ZstdCompressor().compress(b"[]")):
        reader = PageReader(broken)
        assert reader.parse(html, url) == parsers.parse(html, url) and reader.reused == 0
    monkeypatch.setattr(parse_memo, "parser_stamp", lambda: b"other parser code")
    reader = PageReader(memo)
    assert reader.parse(html, url) == parsers.parse(html, url) and reader.reused == 0


def test_the_parser_stamp_follows_the_parsers_source() -> None:
    stamp = parse_memo.parser_stamp()
    assert len(stamp) == 16
    package = pathlib.Path(parsers.__file__).parent
    assert package.joinpath("region.py").is_file()  # a source file the stamp reads


def test_a_memo_of_another_layout_is_ignored() -> None:
    html, url = a_page()
    memo = remembered(html, url)
    assert memo is not None and decode(memo).pages
    data = json.loads(zstandard.ZstdDecompressor().decompress(memo))
    data["format"] = 0
    assert decode(zstandard.ZstdCompressor().compress(json.dumps(data).encode())).pages == {}
    assert decode(encode(decode(memo))).same_as(decode(memo))


def test_a_byte_identical_page_is_neither_cut_nor_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    html, url = a_page()
    memo = remembered(html, url)
    parsed = parsers.parse(html, url)

    def no_cut(*_: object) -> parsers.Cut:
        raise AssertionError("a byte-identical page was cut")

    monkeypatch.setattr(parsers, "cut", no_cut)
    reader = PageReader(memo)
    again = reader.parse(html, url)
    assert again == parsed and _times(again) == _times(parsed)
    assert (reader.reused, reader.identical) == (1, 1)
    assert reader.content_hash(again) == content_hash(parsed.title, parsed.body)
    assert reader.update(reader.content_hash(again)) is None  # nothing new to store


def test_other_bytes_take_the_cut_path_and_rewrite_no_memo_for_it() -> None:
    html, url = a_page()
    memo = remembered(html, url)
    parsed = parsers.parse(html, url)
    outside = html.replace(b"</body>", b'<div class="ads">iklan 67890</div></body>', 1)  # rotating ads
    reader = PageReader(memo)
    assert reader.parse(outside, url) == parsed and (reader.reused, reader.identical) == (1, 0)
    assert reader.update(reader.content_hash(parsed)) is None  # else such a page rewrote its memo every pass
    # The stale bytes digest still names the bytes it was taken from: the first page is recognised again.
    reader = PageReader(memo)
    assert reader.parse(html, url) == parsed and reader.identical == 1
    # The same bytes at another address, or under other parser code, are not the remembered page.
    other = PageReader(memo)
    assert other.parse(html, url + "?page=1") == parsers.parse(html, url + "?page=1") and other.reused == 0


def test_only_pages_of_the_remembered_length_are_hashed(monkeypatch: pytest.MonkeyPatch) -> None:
    html, url = a_page()
    one, two = (html.replace(b"</body>", b"<i>%d</i></body>" % n, 1) for n in (1, 2))  # equally long
    memo = remembered(one, url)
    parsed = parsers.parse(one, url)
    hashed: list[int] = []
    real = parse_memo.page_digest

    def counted(page: bytes, address: str) -> str | None:
        hashed.append(len(page))
        return real(page, address)

    monkeypatch.setattr(parse_memo, "page_digest", counted)
    reader = PageReader(memo)
    assert reader.parse(two, url) == parsed and (reader.reused, reader.identical) == (1, 0)  # hashed, differs
    assert reader.update(reader.content_hash(parsed)) is None and hashed == [len(two)]
    reader = PageReader(memo)
    assert reader.parse(two + b"\n", url) == parsed and reader.identical == 0
    assert reader.update(reader.content_hash(parsed)) is None and hashed == [len(two)]  # another length: unhashed
    reader = PageReader(None)  # a new memo is written with the digests of its pages' bytes
    article = reader.parse(one, url)
    fresh = reader.update(reader.content_hash(article))
    assert fresh is not None and fresh.raw == {url: real(one, url)} and hashed[-1] == len(one)


def test_the_bytes_digest_follows_the_parser_code(monkeypatch: pytest.MonkeyPatch) -> None:
    html, url = a_page()
    memo = remembered(html, url)
    monkeypatch.setattr(parse_memo, "parser_stamp", lambda: b"other parser code")
    reader = PageReader(memo)
    assert reader.parse(html, url) == parsers.parse(html, url) and (reader.reused, reader.identical) == (0, 0)


def test_a_memo_without_bytes_digests_gains_them_once() -> None:
    html, url = a_page()
    memo = remembered(html, url)
    assert memo is not None and decode(memo).raw.keys() == {url}
    data = json.loads(zstandard.ZstdDecompressor().decompress(memo))
    del data["raw"]  # as the memos written before the bytes digests
    older = zstandard.ZstdCompressor().compress(json.dumps(data).encode())
    reader = PageReader(older)
    article = reader.parse(html, url)
    assert (reader.reused, reader.identical) == (1, 0)  # from the cut, as before
    again = reader.update(reader.content_hash(article))
    assert again is not None and again.raw.keys() == {url}  # written once more, now with the page's digest
    reader = PageReader(stored_form(again))
    assert reader.parse(html, url) == article and reader.identical == 1


# -- checks and passes against the replica ------------------------------------------------------

def check_all(replica: Replica, due: list[DueArticle]) -> list[CheckResult]:
    async def run() -> list[CheckResult]:
        settings = HttpSettings(route=replica.route_map(), min_delay_s=0.0, timeout_s=3.0, retries=0)
        async with Fetcher(settings) as fetcher:
            return await check_many(fetcher, due, slim_results=True)

    return asyncio.run(run())


def memo_of(result: CheckResult) -> bytes | None:
    return stored_form(result.memo) if result.memo is not None else None


def test_checks_reuse_unchanged_pages_and_parse_edited_ones(replica: Replica) -> None:
    specs = tracked_articles()
    due = [DueArticle(s.url, s.portal) for s in specs]
    first = check_all(replica, due)
    assert all(r.outcome == PARSED and r.memo is not None and r.reused_pages == 0 for r in first)
    remembered_due = [dataclasses.replace(d, memo=memo_of(r)) for d, r in zip(due, first, strict=True)]
    second = check_all(replica, remembered_due)
    assert [r.reused_pages for r in second] == [r.page_count for r in first]
    assert [r.identical_pages for r in second] == [r.page_count for r in first]  # the replica's bytes repeat
    assert [[(f.outcome, f.status_code, f.size > 0) for f in r.fetches] for r in second] == \
           [[("ok", 200, True)] * r.page_count for r in first]  # every fetch is still there to record
    assert [(r.article, r.content_hash, r.memo) for r in second] == [(r.article, r.content_hash, None) for r in first]
    edited = specs[0]
    replica.edit(edited.url, paragraphs=[*edited.paragraphs[:-1], "Paragraf terakhir diganti sama sekali."])
    third = check_all(replica, remembered_due)
    fresh = check_all(replica, due)  # no memo: every page parsed
    assert [(r.article, r.content_hash) for r in third] == [(r.article, r.content_hash) for r in fresh]
    assert third[0].reused_pages < third[0].page_count and third[0].memo is not None
    assert third[0].identical_pages < third[0].page_count
    assert third[0].content_hash != first[0].content_hash
    assert [r.reused_pages for r in third[1:]] == [r.page_count for r in first[1:]]
    replica.behave(specs[1].url, status=404)  # taken down: its byte-identical memo must not hide the 404
    gone = check_all(replica, remembered_due)
    assert gone[1].outcome == FETCH_FAILED and gone[1].first_fetch.status_code == 404 and gone[1].article is None


def pass_of(con: duckdb.DuckDBPyConnection, replica: Replica, n: int, memo: bool) -> list[CheckResult]:
    """Check every tracked article as a pass does (memos from the warehouse, or none) and store it."""
    now = T0 + dt.timedelta(hours=n)
    store.track(con, [(s.url, s.portal) for s in tracked_articles()], "track", now)
    due = store.due_articles(con, now, every_pass=True, limit=100)
    due = [dataclasses.replace(d, etag=None, last_modified=None, memo=d.memo if memo else None) for d in due]
    results = check_all(replica, due)
    policy = store.PassPolicy(topics=default_topics(), alert_minor_edits=True,
                              next_check=lambda state, changed, errors, suspected: now + dt.timedelta(hours=1))
    store.record_checks(con, f"run-{n}", results, now, policy)
    memos = rows_to_store((r.due.url, r.memo) for r in results)  # as the flow's store task does
    write(con, lambda: store.write_parse_memos(con, memos, now))
    return results


STORED = {
    "versions": "SELECT article_url, run_id, content_hash, meta_hash, title, authors, editors, published, updated, "
                "body, page_url, parser, paywalled FROM versions ORDER BY version_id",
    "version_pages": "SELECT version_id, seq, url FROM version_pages ORDER BY version_id, seq",
    "articles": "SELECT url, status, current_hash, current_meta_hash, title, published, relevance, relevant, "
                "last_changed, consecutive_errors FROM articles ORDER BY url",
    "edits": "SELECT article_url, run_id, kind, added, removed, summary FROM edit_records ORDER BY article_url, run_id",
    "events": "SELECT run_id, kind, article_url, detail FROM events ORDER BY run_id, kind, article_url",
    "alerts": "SELECT dedupe_key, kind, run_id, article_url, payload FROM alerts ORDER BY dedupe_key",
    "fetches": "SELECT run_id, url, outcome, status_code, bytes FROM fetches ORDER BY run_id, url",
}


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {name: con.execute(sql).fetchall() for name, sql in STORED.items()}


def edit(replica: Replica, spec: ArticleSpec, text: str) -> None:
    replica.edit(spec.url, paragraphs=[*spec.paragraphs, text], updated=spec.published + dt.timedelta(hours=3))


def test_passes_store_the_same_with_and_without_memos(replica: Replica, warehouse: WarehouseSpec,
                                                       tmp_path: pathlib.Path) -> None:
    with_memo = connect(warehouse.location)
    without = connect(tmp_path / "without.duckdb")
    try:
        specs = tracked_articles()
        reused: list[int] = []
        identical: list[int] = []
        for n in range(5):
            if n == 2:  # an edit (a new version and an edit record), the others unchanged
                edit(replica, specs[1], "Kementerian Pertahanan Rusia kemudian membantah kabar itu.")
            if n == 3:  # back to the first text: a revert
                replica.edit(specs[1].url, paragraphs=specs[1].paragraphs, updated=None)
            if n == 4:  # a takedown (404) of an article whose pages were byte-identical so far
                replica.behave(specs[2].url, status=404)
            results = pass_of(with_memo, replica, n, memo=True)
            plain = pass_of(without, replica, n, memo=False)
            reused.append(sum(r.reused_pages for r in results))
            identical.append(sum(r.identical_pages for r in results))
            assert sum(r.reused_pages for r in plain) == 0
            assert [(r.outcome, r.article, r.content_hash) for r in results] == \
                   [(r.outcome, r.article, r.content_hash) for r in plain]
        assert stored(with_memo) == stored(without)
        pages = sum(len(page_urls(s)) for s in specs)
        assert reused[0] == 0 and 0 < reused[2] < reused[1] <= pages
        assert identical[0] == 0 and identical[1] == reused[1] and 0 < identical[2] < identical[1]
        fetched = with_memo.execute("SELECT count(*) FROM fetches WHERE run_id = 'run-1'").fetchone()
        assert fetched == (identical[1],)  # byte-identical pages are fetched and recorded all the same
        gone = with_memo.execute("SELECT outcome, status_code FROM fetches WHERE run_id = 'run-4' AND url = ?",
                                 [specs[2].url]).fetchall()
        assert gone == [("http_error", 404)]
        kinds = [k for (k,) in with_memo.execute("SELECT kind FROM edit_records").fetchall()]
        assert kinds, "the edit pass must have made an edit record"
        memos = with_memo.execute("SELECT count(*), count(DISTINCT article_url) FROM parse_memos").fetchone()
        assert memos == (len(specs), len(specs))  # one row per article, replaced when it changes
    finally:
        with_memo.close()
        without.close()


def test_slim_keeps_the_content_hash_the_check_took_from_the_memo(replica: Replica) -> None:
    spec = tracked_articles()[0]
    [first] = check_all(replica, [DueArticle(spec.url, spec.portal)])
    due = DueArticle(spec.url, spec.portal, current_hash=first.content_hash, memo=memo_of(first))
    [again] = check_all(replica, [due])
    assert again.reused_pages == again.page_count and again.pages == ()  # equal to the stored version: dropped
    assert slim(again).content_hash == first.content_hash


def test_the_store_task_keeps_the_memos_in_a_write_of_their_own(replica: Replica, tmp_path: pathlib.Path) -> None:
    location = locate(str(tmp_path / "memos.duckdb"))
    connect(location).close()
    results = check_all(replica, [DueArticle(s.url, s.portal) for s in tracked_articles()])
    monitor.remember_parses(location, results, T0)
    monitor.remember_parses(location, results, T0 + dt.timedelta(hours=1))  # replaced, not added
    con = connect(location)
    try:
        rows = con.execute("SELECT article_url, written_at, memo FROM parse_memos ORDER BY article_url").fetchall()
    finally:
        con.close()
    assert [url for url, _, _ in rows] == sorted(r.due.url for r in results)
    assert {when for _, when, _ in rows} == {T0 + dt.timedelta(hours=1)}
    assert all(decode(bytes(blob)).pages for _, _, blob in rows)
