"""The warehouse's judgement of checks: versions, edits, reverts, collapses, takedowns, portal health,
and the alerts they cause (outbox), on a real DuckDB file with hand-made check results."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import duckdb
import pytest

from beritawatch.changes import content_hash
from beritawatch.check import FETCH_FAILED, NOT_ARTICLE, PARSED, UNCHANGED_304, CheckResult, DueArticle
from beritawatch.fetch import FetchResult
from beritawatch.relevance import default_topics
from beritawatch.verdict import ArticleState
from parsers import Article
from tests.conftest import WarehouseSpec
from warehouse import store
from warehouse.db import connect

T0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
URL = "https://news.detik.com/internasional/d-7100001/korut-kirim-peluru-ke-rusia"
BODY = (
    "Jakarta - Korea Utara dilaporkan mengirim peluru artileri ke Rusia melalui jalur kereta.",
    "Pejabat Korea Selatan mengatakan pengiriman itu mencapai 1.000 kontainer.",
    "Moskow membantah menerima senjata dari Pyongyang.",
    "Para analis menilai kerja sama militer kedua negara terus menguat sejak tahun lalu.",
)


def article(url: str = URL, body: tuple[str, ...] = BODY, title: str = "Korut Kirim Peluru ke Rusia",
            **extra: object) -> Article:
    return Article(url=url, portal="detik", title=title, authors=("Rina",), body=body,
                   published=T0 - dt.timedelta(hours=1), **extra)  # type: ignore[arg-type]


def parsed(art: Article, url: str | None = None, hashed: bool = False) -> CheckResult:
    """A parsed check; `hashed`: carrying its content hash, as every check of a pass does."""
    url = url or art.url
    fetch = FetchResult(url, T0, "ok", 200, 5.0, b"<html/>", "text/html", '"e1"', None, url)
    digest = content_hash(art.title, art.body) if hashed else None
    return CheckResult(DueArticle(url, "detik"), PARSED, (fetch,), art, ((url, b"<html>x</html>"),),
                       content_hash=digest)


def failed(url: str = URL, status: int | None = 404, outcome: str = FETCH_FAILED,
           redirects: tuple[str, ...] = (), final: str | None = None) -> CheckResult:
    fetch = FetchResult(url, T0, "http_error" if status else "timeout", status, 5.0,
                        final_url=final or url, redirects=redirects, error="x")
    art = Article(url=url, portal="detik", title="", not_article="index page") if outcome == NOT_ARTICLE else None
    return CheckResult(DueArticle(url, "detik"), outcome, (fetch,), art, error="x")


def not_modified(url: str = URL) -> CheckResult:
    return CheckResult(DueArticle(url, "detik"), UNCHANGED_304, (FetchResult(url, T0, "not_modified", 304),))


@pytest.fixture
def con(warehouse: WarehouseSpec) -> duckdb.DuckDBPyConnection:
    """Each test runs on both backends: a DuckDB file and a DuckLake on PostgreSQL."""
    connection = connect(warehouse.location)
    yield connection
    connection.close()


def run(con: duckdb.DuckDBPyConnection, results: list[CheckResult], n: int, source: str = "track",
        alert_minor_edits: bool = False) -> store.PassResult:
    now = T0 + dt.timedelta(hours=n)
    store.track(con, [(r.due.url, "detik") for r in results], source, now)
    policy = store.PassPolicy(topics=default_topics(), alert_minor_edits=alert_minor_edits,
                              next_check=lambda state, changed, errors, suspected: now + dt.timedelta(hours=1))
    return store.record_checks(con, f"run-{n}", results, now, policy)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


def test_first_version_is_stored_scored_and_alerted_once(con: duckdb.DuckDBPyConnection) -> None:
    result = run(con, [parsed(article())], 0)
    assert result.portals["detik"].new_articles == 1
    assert rows(con, "SELECT count(*) FROM versions") == [(1,)]
    [(relevant, evidence)] = rows(con, "SELECT relevant, relevance_evidence FROM articles")
    assert relevant is True and json.loads(evidence)["evidence"]
    [(kind, payload)] = rows(con, "SELECT kind, payload FROM alerts")
    assert kind == "new" and json.loads(payload)["url"] == URL
    run(con, [parsed(article())], 1)  # same content again
    assert rows(con, "SELECT count(*) FROM versions") == [(1,)]
    assert rows(con, "SELECT count(*) FROM alerts") == [(1,)]


@pytest.mark.parametrize("hashed", [False, True])
def test_edited_paragraph_gives_one_edit_with_the_right_sentences(con: duckdb.DuckDBPyConnection,
                                                                  hashed: bool) -> None:
    run(con, [parsed(article(), hashed=hashed)], 0)
    edited = (*BODY[:1], "Pejabat Korea Selatan mengatakan pengiriman itu mencapai 6.700 kontainer.", *BODY[2:],
              "Kementerian Pertahanan Jepang juga memantau kapal-kapal yang berlayar dari pelabuhan Rajin.")
    result = run(con, [parsed(article(body=edited), hashed=hashed)], 1)
    assert result.portals["detik"].new_versions == 1
    [(kind, added, removed, changed, numbers)] = rows(
        con, "SELECT kind, added, removed, changed, numbers_changed FROM edits")
    assert kind == "substantive" and numbers is True
    assert added == ["Kementerian Pertahanan Jepang juga memantau kapal-kapal yang berlayar dari pelabuhan Rajin."]
    assert removed == []
    [pair] = json.loads(changed)
    assert "1.000" in pair["old"] and "6.700" in pair["new"]
    alerts = rows(con, "SELECT kind FROM alerts ORDER BY alert_id")
    assert alerts == [("new",), ("edit",)]


def test_whitespace_and_quote_style_changes_are_not_versions(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed(article())], 0)
    noisy = tuple(p.replace(" ", "  ").replace("Jakarta -", "Jakarta\u00a0-") + "\u200b" for p in BODY)
    result = run(con, [parsed(article(body=noisy))], 1)
    assert result.portals["detik"].unchanged == 1
    assert rows(con, "SELECT count(*) FROM versions") == [(1,)]


def test_byline_only_change_is_recorded_not_alerted(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed(article())], 0)
    run(con, [parsed(dataclasses.replace(article(), authors=("Rina Kusuma",)))], 1)
    assert rows(con, "SELECT kind FROM events") == [("meta_change",)]
    assert rows(con, "SELECT count(*) FROM versions") == [(1,)]
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'edit'") == [(0,)]


def test_flip_flop_is_a_revert_without_a_second_alert(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed(article())], 0)
    changed = (BODY[0], "Pejabat Korea Selatan mengatakan pengiriman itu mencapai 2.000 kontainer.", *BODY[2:])
    run(con, [parsed(article(body=changed))], 1)
    result = run(con, [parsed(article())], 2)
    assert result.portals["detik"].reverts == 1
    assert rows(con, "SELECT count(*) FROM versions") == [(2,)]
    assert rows(con, "SELECT kind FROM events") == [("revert",)]
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'edit'") == [(1,)]
    # flipping forward again is a revert too, not a new edit
    run(con, [parsed(article(body=changed))], 3)
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'edit'") == [(1,)]


@pytest.mark.parametrize("hashed", [False, True])
def test_extraction_collapse_is_not_an_edit(con: duckdb.DuckDBPyConnection, hashed: bool) -> None:
    run(con, [parsed(article(), hashed=hashed)], 0)
    # judged against the current body, which the store reads only for checks that found other content
    result = run(con, [parsed(article(body=("Jakarta -",)), hashed=hashed)], 1)
    assert result.portals["detik"].new_versions == 0
    assert rows(con, "SELECT count(*) FROM versions") == [(1,)]
    assert rows(con, "SELECT kind FROM events") == [("collapse",)]
    assert rows(con, "SELECT count(*) FROM edits") == [(0,)]


def test_two_404s_make_one_removal_and_coming_back_is_restored(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed(article())], 0)
    run(con, [failed()], 1)
    assert rows(con, "SELECT status FROM articles") == [("removal_suspected",)]
    assert rows(con, "SELECT count(*) FROM removals") == [(0,)]
    run(con, [failed(status=410)], 2)
    run(con, [failed()], 3)
    assert rows(con, "SELECT kind, reason FROM removals") == [("removed", "HTTP 410")]
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'removed'") == [(1,)]
    run(con, [parsed(article())], 4)
    assert rows(con, "SELECT kind FROM removals ORDER BY happened_at") == [("removed",), ("restored",)]
    assert rows(con, "SELECT status FROM articles") == [("ok",)]


def test_redirect_to_the_home_page_counts_as_a_takedown_signal(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed(article())], 0)
    home = "https://news.detik.com/"
    for n in (1, 2):
        run(con, [failed(status=200, outcome=NOT_ARTICLE, redirects=(home,), final=home)], n)
    assert rows(con, "SELECT reason FROM removals") == [("redirected to the portal's home page",)]


def test_a_timeout_is_an_error_not_a_removal(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed(article())], 0)
    for n in (1, 2, 3):
        run(con, [failed(status=None)], n)
    assert rows(con, "SELECT status, consecutive_errors FROM articles") == [("error", 3)]
    assert rows(con, "SELECT count(*) FROM removals") == [(0,)]


def test_five_articles_breaking_at_once_give_one_health_event_and_no_edits(con: duckdb.DuckDBPyConnection) -> None:
    urls = [URL.replace("7100001", f"710000{i}") for i in range(2, 8)]
    run(con, [parsed(article(url=u)) for u in urls], 0)
    with_ad = (BODY[0], "Iklan: promo ponsel terbaru hari ini.", *BODY[1:])
    broken = [parsed(article(url=u, body=with_ad)) for u in urls[:5]]
    result = run(con, [*broken, not_modified(urls[5])], 1)
    assert result.portals["detik"].held == 5
    assert rows(con, "SELECT count(*) FROM edits") == [(0,)]
    assert rows(con, "SELECT portal, checked, changed FROM portal_health") == [("detik", 6, 5)]
    assert rows(con, "SELECT kind, count(*) FROM alerts GROUP BY 1 ORDER BY 1") == [("health", 1), ("new", 6)]
    assert rows(con, "SELECT count(*) FROM versions") == [(6,)]


def test_minor_edits_are_recorded_but_not_alerted_by_default(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed(article())], 0)
    run(con, [parsed(article(body=(*BODY[:3], BODY[3].replace("menguat", "menguatt"))))], 1)
    assert rows(con, "SELECT kind FROM edits") == [("minor",)]
    assert rows(con, "SELECT count(*) FROM alerts WHERE kind = 'edit'") == [(0,)]


def test_discovered_irrelevant_article_is_recorded_and_dropped(con: duckdb.DuckDBPyConnection) -> None:
    other = "https://news.detik.com/internasional/d-7100009/festival-kuliner"
    body = ("Jakarta - Festival kuliner digelar di Monas selama tiga hari.", "Ribuan pengunjung datang.")
    run(con, [parsed(article(url=other, body=body, title="Festival Kuliner di Monas"))], 0, source="discover")
    assert rows(con, "SELECT active, relevant FROM articles") == [(False, False)]
    assert rows(con, "SELECT count(*) FROM alerts") == [(0,)]


def test_a_failed_pass_writes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    bad = dataclasses.replace(parsed(article()), due=DueArticle(URL, "detik"))
    policy = store.PassPolicy(topics=default_topics(), next_check=lambda *a: 1 / 0)  # type: ignore[misc]
    store.track(con, [(URL, "detik")], "track", T0)
    with pytest.raises(ZeroDivisionError):
        store.record_checks(con, "run-x", [bad], T0, policy)
    assert rows(con, "SELECT (SELECT count(*) FROM versions), (SELECT count(*) FROM fetches), "
                     "(SELECT count(*) FROM alerts)") == [(0, 0, 0)]


def test_states_reflect_history(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed(article())], 0)
    state = store.load_states(con, [URL])[URL]
    assert isinstance(state, ArticleState) and state.current_body == BODY and len(state.history) == 1


def test_reparse_after_a_parser_fix_gives_zero_edits(con: duckdb.DuckDBPyConnection) -> None:
    import parsers
    from beritawatch.testing.replica.render import render
    from beritawatch.testing.replica.site import REPUBLIKA_URL, tracked_articles
    from warehouse.reparse import reparse

    spec = next(s for s in tracked_articles() if s.url == REPUBLIKA_URL)
    html = (render(spec, spec.url) or "").encode()

    def old_parser(page: str | bytes, url: str) -> Article:  # a parser that still kept a "Baca juga" line
        art = parsers.parse(page, url)
        return dataclasses.replace(art, body=(*art.body, "Baca Juga: Jadwal Kereta Tambahan"))

    def check(parse: object) -> CheckResult:
        art = parse(html, REPUBLIKA_URL)  # type: ignore[operator]
        fetch = FetchResult(REPUBLIKA_URL, T0, "ok", 200, 5.0, html, "text/html")
        return CheckResult(DueArticle(REPUBLIKA_URL, "republika"), PARSED, (fetch,), art, ((REPUBLIKA_URL, html),))

    run(con, [check(old_parser)], 0)
    without_reparse = run(con, [check(parsers.parse)], 1)  # what the fix alone would do: a false edit
    assert without_reparse.portals["detik"].new_versions == 1
    stats = reparse(con)
    assert stats.changed == 1 and (stats.edits_before, stats.edits_after) == (1, 0)
    after = run(con, [check(parsers.parse)], 2)
    assert after.portals["detik"].new_versions == 0 and after.portals["detik"].unchanged == 1
    assert rows(con, "SELECT count(*) FROM edits") == [(0,)]


def test_a_redirect_to_a_login_wall_is_not_a_takedown(con: duckdb.DuckDBPyConnection) -> None:
    run(con, [parsed(article())], 0)
    login = "https://connect.detik.com/oauth/signin"
    for n in (1, 2):
        result = failed(status=200, outcome=NOT_ARTICLE, redirects=(login,), final=login)
        wall = dataclasses.replace(result, article=Article(url=login, portal="detik", title="", not_article="login "
                                                                                                            "wall"))
        run(con, [wall], n)
    assert rows(con, "SELECT status, removal_strikes FROM articles") == [("error", 0)]
    assert rows(con, "SELECT count(*) FROM removals") == [(0,)]


def test_runs_left_running_long_ago_are_marked_crashed(con: duckdb.DuckDBPyConnection) -> None:
    store.start_run(con, "killed", T0, None)
    store.start_run(con, "recent", T0 + dt.timedelta(hours=1), None)
    store.start_run(con, "now", T0 + dt.timedelta(hours=5), None)
    assert rows(con, "SELECT run_id, status FROM runs ORDER BY started_at") == [
        ("killed", "crashed"), ("recent", "crashed"), ("now", "running")]


def test_slim_results_drop_unchanged_pages_and_pack_the_rest(con: duckdb.DuckDBPyConnection) -> None:
    from beritawatch.changes import content_hash
    from beritawatch.check import slim

    raw = b"<html>" + b"<p>isi berita</p>" * 500 + b"</html>"
    fresh = dataclasses.replace(parsed(article()), pages=((URL, raw),))
    packed = slim(fresh)
    assert packed.packed and len(packed.pages[0][1]) < len(raw) // 10 and packed.raw_pages() == [(URL, raw)]
    assert packed.content_hash == content_hash(article().title, BODY)  # for the store's verdict
    run(con, [packed], 0)
    [(stored,)] = rows(con, "SELECT html FROM version_pages")
    from warehouse.compress import Decoder
    [(codec,)] = rows(con, "SELECT codec FROM version_pages")
    assert Decoder(con)(codec, stored) == raw  # the archive holds the page itself, not the packing

    same = dataclasses.replace(fresh, due=DueArticle(URL, "detik", current_hash=content_hash(article().title, BODY)))
    dropped = slim(same)
    assert dropped.pages == () and dropped.page_count == 1 and dropped.content_hash == same.due.current_hash
    result = run(con, [dropped], 1)
    assert result.portals["detik"].unchanged == 1
    assert rows(con, "SELECT etag FROM articles") == [('"e1"',)]  # a one-page article keeps its validators


def test_a_portals_pages_are_packed_with_its_first_page_as_dictionary(con: duckdb.DuckDBPyConnection) -> None:
    from beritawatch.check import PagePacker, slim

    chrome = b"".join(b"<li><a href='/kanal/%d'>Kanal berita nomor %d</a></li>" % (i, i) for i in range(800))

    def page(n: int) -> bytes:
        return b"<html><nav>" + chrome + b"</nav><p>Isi berita nomor %d tentang pelabuhan.</p></html>" % n

    packer = PagePacker()
    first, second = (slim(dataclasses.replace(parsed(article()), pages=((URL, page(n)),)), packer) for n in (1, 2))
    plain = slim(dataclasses.replace(parsed(article()), pages=((URL, page(2)),)))
    assert second.dictionary is first.dictionary == page(1)  # one dictionary per portal, shared
    assert len(second.pages[0][1]) < len(plain.pages[0][1]) // 4  # the chrome is in the dictionary
    assert first.raw_pages() == [(URL, page(1))] and second.raw_pages() == [(URL, page(2))]
    run(con, [second], 0)
    from warehouse.compress import Decoder
    [(codec, stored)] = rows(con, "SELECT codec, html FROM version_pages")
    assert Decoder(con)(codec, stored) == page(2)


def test_the_allocator_settings_apply_once_and_trim_is_safe_to_call() -> None:
    from beritawatch import memory

    tuned = memory.give_large_buffers_back()
    assert memory.give_large_buffers_back() is tuned  # cached: set once per process
    assert isinstance(memory.trim(), bool)
    if tuned:  # socket reads stay below the threshold (each would be a fresh mapping otherwise)
        import asyncio.selector_events
        import asyncio.sslproto

        assert asyncio.selector_events._SelectorTransport.max_size == memory.READ_SIZE < memory.LARGE_BUFFER
        assert asyncio.sslproto.SSLProtocol.max_size == memory.READ_SIZE
