"""One article, one identity: keys per portal, every alias kind, merges during a pass and the
migration that merges the duplicates an older warehouse holds (on a real DuckDB file)."""
from __future__ import annotations

import datetime as dt
import json
import pathlib

import duckdb
import pytest

from beritawatch.changes import content_hash
from beritawatch.check import FETCH_FAILED, NOT_ARTICLE, PARSED, UNCHANGED_304, CheckResult, DueArticle
from beritawatch.fetch import FetchResult
from beritawatch.relevance import default_topics
from beritawatch.urls import alias_form, article_key, canonical_url
from parsers import Article
from warehouse import store
from warehouse.db import connect, migration_files, transaction

T0 = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)
TEMPO_OLD = "https://dunia.tempo.co/read/1768245/klaim-putin-dan-kim-jong-un-akan-bertemu-as-untuk-jual-beli-senjata"
TEMPO_NEW = "https://www.tempo.co/internasional/klaim-putin-dan-kim-jong-un-akan-bertemu-as-untuk-jual-beli-senjata-1768245"
TEMPO_SHORT = "https://www.tempo.co/politik/contoh-judul-berita-pendek-dari-rubrik-politik--7403"
REPUBLIKA = "https://internasional.republika.co.id/berita/s0kbre472/as-ingatkan-korut-jangan-suplai-senjata"
REPUBLIKA_BARE = "https://republika.co.id/berita//s0kbre472/as-ingatkan-korut-jangan-suplai-senjata"
TRIBUN = "https://www.tribunnews.com/internasional/2023/07/29/menhan-rusia-mau-borong-senjata-korea-utara"
TRIBUN_M = "https://m.tribunnews.com/internasional/2023/07/29/menhan-rusia-mau-borong-senjata-korea-utara"
TRIBUN_AMP = "https://www.tribunnews.com/amp/internasional/2023/07/29/menhan-rusia-mau-borong-senjata-korea-utara"
DETIK = "https://news.detik.com/internasional/d-7100001/korut-kirim-peluru-ke-rusia"
DETIK_MOVED = "https://news.detik.com/internasional/d-7100999/korut-kirim-peluru-ke-rusia-diperbarui"
TITLE = "Korut Kirim Peluru ke Rusia"
BODY = (
    "Jakarta - Korea Utara dilaporkan mengirim peluru artileri ke Rusia melalui jalur kereta.",
    "Pejabat Korea Selatan mengatakan pengiriman senjata itu mencapai 1.000 kontainer.",
    "Moskow membantah menerima senjata dari Pyongyang.",
    "Para analis menilai kerja sama militer kedua negara terus menguat sejak tahun lalu.",
)


# -- keys -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("urls", "key"), [
    ([TEMPO_OLD, TEMPO_NEW, TEMPO_OLD.replace("/read/", "/amp/"), TEMPO_NEW.replace("www.", "m."),
      "https://www.tempo.co/read/1768245/klaim-putin"], "tempo:1768245"),
    ([TEMPO_SHORT, TEMPO_SHORT.replace("www.", "")], "tempo:7403"),
    ([REPUBLIKA, REPUBLIKA_BARE, REPUBLIKA.replace("/berita/", "/amp/"),
      "https://m.republika.co.id/berita/s0kbre472/judul-lain"], "republika:s0kbre472"),
    (["https://republika.co.id/berita//s9xi5i181996644825001/data-sains-untuk-prediksi",  # seen in 2025
      "https://www.republika.co.id/berita/s9xi5i181996644825001/data-sains-untuk-prediksi"],
     "republika:s9xi5i181996644825001"),
    ([TRIBUN, TRIBUN_M, TRIBUN_AMP, TRIBUN + "?page=2", TRIBUN.replace("www.", "")],
     "tribun:www/2023/07/29/menhan-rusia-mau-borong-senjata-korea-utara"),
    (["https://www.tribunnews.com/internasional/9000301/judul", "https://m.tribunnews.com/amp/internasional/9000301/judul"],
     "tribun:www/9000301"),
    ([DETIK, DETIK + "/2", DETIK.replace("news.detik.com", "m.detik.com/news"),
      "https://www.detik.com/berita/d-7100001/judul-lain"], "detik:d-7100001"),
])
def test_every_address_of_an_article_has_one_key(urls: list[str], key: str) -> None:
    assert {article_key(url) for url in urls} == {key}


@pytest.mark.parametrize("url", [
    "https://www.tempo.co/politik/pemilu-2024",  # a year ending a slug is no id
    "https://www.tempo.co/tag/contoh-topik-12345",  # a tag page
    "https://www.tempo.co/politik",
    "https://www.republika.co.id/berita//terpopuler",
])
def test_listings_get_no_article_key(url: str) -> None:
    assert article_key(url) == canonical_url(url)


def test_alias_form_keeps_the_address_as_seen_minus_tracking() -> None:
    assert alias_form(REPUBLIKA_BARE + "?utm_source=rss#top") == REPUBLIKA_BARE
    assert alias_form("HTTPS://M.Tribunnews.com/amp/x/2023/07/29/y?page=2&fbclid=1") == \
        "https://m.tribunnews.com/amp/x/2023/07/29/y?page=2"


def test_a_canonical_link_to_a_home_or_section_page_is_ignored() -> None:
    assert canonical_url(TEMPO_NEW, "https://www.tempo.co/") == TEMPO_NEW
    assert canonical_url(TEMPO_NEW, "/internasional") == TEMPO_NEW
    page = "http://127.0.0.1:8123/kanal/berita/judul-artikel"  # no portal: judged by the path
    assert canonical_url(page, "/") == page
    assert canonical_url(page, "/kanal") == page
    assert canonical_url(page, "/kanal/berita/judul-artikel-lengkap") == "http://127.0.0.1:8123/kanal/berita/judul-artikel-lengkap"


# -- the store ------------------------------------------------------------------------------------

@pytest.fixture
def con(tmp_path: pathlib.Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def checked(due: str, final: str | None = None, redirects: tuple[str, ...] = (), canonical: str | None = None,
            body: tuple[str, ...] = BODY, outcome: str = PARSED) -> CheckResult:
    final = final or due
    fetch = FetchResult(due, T0, "ok", 200, 5.0, b"<html/>", "text/html", None, None, final, redirects)
    art = Article(url=canonical or final, portal="tempo", title=TITLE, authors=("Rina",),
                  body=body, published=T0 - dt.timedelta(hours=2),
                  not_article="home page" if outcome == NOT_ARTICLE else None)
    return CheckResult(DueArticle(due, "tempo"), outcome, (fetch,), art, ((final, b"<html>x</html>"),))


def record(con: duckdb.DuckDBPyConnection, results: list[CheckResult], n: int) -> store.PassResult:
    now = T0 + dt.timedelta(hours=n)
    policy = store.PassPolicy(topics=default_topics(),
                              next_check=lambda state, changed, errors, suspected: now + dt.timedelta(hours=1))
    return store.record_checks(con, f"run-{n}", results, now, policy)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


def aliases(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    return {alias: (url, kind) for url, alias, kind in rows(con, "SELECT url, alias, kind FROM article_aliases")}


def test_a_tracked_url_and_its_twins_are_one_article(con: duckdb.DuckDBPyConnection) -> None:
    assert store.track(con, [(TRIBUN_M, "tribun")], "track", T0) == [TRIBUN]
    # discovery lists the AMP twin and the www address: they join, nothing new
    assert store.track(con, [(canonical_url(TRIBUN_AMP), "tribun")], "discover", T0, also_seen=[TRIBUN_AMP]) == []
    assert rows(con, "SELECT url, key, source FROM articles") == [
        (TRIBUN, "tribun:www/2023/07/29/menhan-rusia-mau-borong-senjata-korea-utara", "track")]
    assert aliases(con) == {TRIBUN_M: (TRIBUN, "track"), TRIBUN: (TRIBUN, "track"), TRIBUN_AMP: (TRIBUN, "discover")}
    # one batch holding two twins makes one article
    assert store.track(con, [(REPUBLIKA, "republika"), (REPUBLIKA_BARE, "republika")], "discover", T0) == [REPUBLIKA]
    assert REPUBLIKA_BARE in aliases(con)


def test_a_migrated_tempo_address_joins_the_old_one(con: duckdb.DuckDBPyConnection) -> None:
    store.track(con, [(TEMPO_OLD, "tempo")], "track", T0)
    record(con, [checked(TEMPO_OLD, final=TEMPO_NEW, redirects=(TEMPO_NEW,))], 0)
    assert store.track(con, [(TEMPO_NEW, "tempo")], "discover", T0 + dt.timedelta(hours=1)) == []
    assert rows(con, "SELECT url, source FROM articles") == [(TEMPO_OLD, "track")]
    assert aliases(con)[TEMPO_NEW] == (TEMPO_OLD, "redirect")
    assert rows(con, "SELECT kind FROM alerts") == [("new",)]


def test_a_redirect_to_a_separately_found_article_merges_them_in_the_same_pass(
        con: duckdb.DuckDBPyConnection) -> None:
    # the portal moved an article to a new id; the feed listed the new address before any check
    store.track(con, [(DETIK, "detik")], "track", T0)
    store.track(con, [(DETIK_MOVED, "detik")], "discover", T0 + dt.timedelta(minutes=5))
    assert rows(con, "SELECT count(*) FROM articles") == [(2,)]
    result = record(con, [checked(DETIK, final=DETIK_MOVED, redirects=(DETIK_MOVED,)), checked(DETIK_MOVED)], 0)
    assert rows(con, "SELECT url, source FROM articles") == [(DETIK, "track")]
    assert rows(con, "SELECT article_url, count(*) FROM versions GROUP BY 1") == [(DETIK, 1)]
    assert rows(con, "SELECT kind, article_url FROM alerts") == [("new", DETIK)]  # one [Baru]
    assert rows(con, "SELECT article_url, count(*) FROM fetches GROUP BY 1") == [(DETIK, 2)]  # both checks kept
    [(detail,)] = rows(con, "SELECT detail FROM events WHERE kind = 'merged'")
    assert json.loads(detail)["merged"] == DETIK_MOVED
    assert ("merged", DETIK, f"one article with {DETIK_MOVED}") in result.events
    assert aliases(con)[DETIK_MOVED] == (DETIK, "discover")
    # the next pass: the moved address stays joined, unchanged, no alert
    assert store.track(con, [(DETIK_MOVED, "detik")], "discover", T0 + dt.timedelta(hours=1)) == []
    again = record(con, [checked(DETIK, final=DETIK_MOVED, redirects=(DETIK_MOVED,))], 1)
    assert sum(p.unchanged for p in again.portals.values()) == 1
    assert rows(con, "SELECT count(*) FROM alerts") == [(1,)]


def test_a_redirect_to_an_article_already_checked_merges_into_the_first_seen(
        con: duckdb.DuckDBPyConnection) -> None:
    store.track(con, [(DETIK_MOVED, "detik")], "discover", T0)
    record(con, [checked(DETIK_MOVED)], 0)  # found, stored and alerted as new
    store.track(con, [(DETIK, "detik")], "track", T0 + dt.timedelta(hours=1))  # added to the config later
    result = record(con, [checked(DETIK, final=DETIK_MOVED, redirects=(DETIK_MOVED,))], 1)
    assert rows(con, "SELECT url, source FROM articles") == [(DETIK_MOVED, "track")]  # tracked from now on
    assert sum(p.unchanged for p in result.portals.values()) == 1
    assert rows(con, "SELECT count(*) FROM versions") == [(1,)]
    assert rows(con, "SELECT count(*) FROM alerts") == [(1,)]
    assert aliases(con)[DETIK] == (DETIK_MOVED, "track")


def test_canonical_twin_is_an_alias_but_home_pages_and_other_articles_are_not(
        con: duckdb.DuckDBPyConnection) -> None:
    store.track(con, [(TEMPO_SHORT, "tempo"), (TRIBUN, "tribun")], "track", T0)
    record(con, [checked(TEMPO_SHORT, canonical=TEMPO_SHORT.replace("www.", "m.")),
                 checked(TRIBUN, canonical="https://www.tribunnews.com/")], 0)
    known = aliases(con)
    assert known[TEMPO_SHORT.replace("www.", "m.")] == (TEMPO_SHORT, "canonical")
    assert "https://www.tribunnews.com/" not in known
    # a canonical link naming another article never merges two articles
    store.track(con, [(DETIK, "detik"), (DETIK_MOVED, "detik")], "track", T0)
    record(con, [checked(DETIK, canonical=DETIK_MOVED)], 1)
    assert rows(con, "SELECT count(*) FROM articles WHERE portal = 'detik'") == [(2,)]


def test_a_redirect_to_the_home_page_is_no_alias(con: duckdb.DuckDBPyConnection) -> None:
    store.track(con, [(DETIK, "detik"), (TRIBUN, "tribun")], "track", T0)
    home = "https://news.detik.com/"
    record(con, [checked(DETIK, final=home, redirects=(home,), outcome=NOT_ARTICLE),
                 checked(TRIBUN, final=home, redirects=(home,), outcome=NOT_ARTICLE)], 0)
    assert home not in aliases(con)
    assert rows(con, "SELECT count(*) FROM articles") == [(2,)]


def test_alert_keys_are_on_the_identity() -> None:
    assert store.alert_key(TRIBUN) == store.alert_key(TRIBUN_AMP) == store.alert_key(TRIBUN_M)
    assert store.alert_key(TEMPO_OLD) == store.alert_key(TEMPO_NEW)
    assert store.alert_key(TEMPO_OLD) != store.alert_key(TEMPO_SHORT)


# -- migration 005 on a warehouse of migrations 001-004 holding duplicates ------------------------

OLD_ALERT = "new:{}"


def _old_warehouse(path: pathlib.Path) -> duckdb.DuckDBPyConnection:
    """A warehouse as migrations 001-004 left it, written the way the store wrote it then."""
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,
                                                     applied_at TIMESTAMPTZ NOT NULL)""")
    for number, name, step in migration_files():
        if number <= 4:
            assert isinstance(step, str)
            with transaction(con):
                con.execute(step)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [number, name, T0])
    return con


def _article(con: duckdb.DuckDBPyConnection, url: str, portal: str, source: str, seen: dt.datetime,
             title: str, run: str, checked_at: dt.datetime, relevant: bool) -> None:
    content = content_hash(title, BODY)
    con.execute("""INSERT INTO articles (url, portal, source, first_seen, status, title, current_hash,
                       last_checked, next_check, relevance, relevant, etag)
                   VALUES (?, ?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, '"v1"')""",
                [url, portal, source, seen, title, content, checked_at, checked_at + dt.timedelta(hours=1),
                 2.0 if relevant else 0.0, relevant])
    con.execute("""INSERT INTO versions (article_url, run_id, seen_at, content_hash, title, body)
                   VALUES (?, ?, ?, ?, ?, ?)""", [url, run, checked_at, content, title, "\n\n".join(BODY)])
    con.execute("""INSERT INTO fetches (run_id, article_url, url, requested_at, status_code, outcome)
                   VALUES (?, ?, ?, ?, 200, 'ok')""", [run, url, url, checked_at])
    con.execute("""INSERT INTO events (run_id, happened_at, kind, portal, article_url, detail)
                   VALUES (?, ?, 'meta_change', ?, ?, '{}')""", [run, checked_at, portal, url])
    if relevant:
        con.execute("""INSERT INTO alerts (dedupe_key, kind, created_at, run_id, article_url, payload)
                       VALUES (?, 'new', ?, ?, ?, '{}')""",
                    [OLD_ALERT.format(store.url_key(url)), checked_at, run, url])
        con.execute("""INSERT INTO deliveries (alert_id, target, status, attempts, planned_at, sent_at)
                       SELECT alert_id, 'json-local', 'sent', 1, ?, ? FROM alerts WHERE article_url = ?""",
                    [checked_at, checked_at, url])


def test_migration_005_merges_the_duplicates_of_an_old_warehouse(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "old.duckdb"
    old = _old_warehouse(path)
    t1, t2 = T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=2)
    # tracked old Tempo address, then its 2024+ address found by a feed: two articles, two [Baru]
    _article(old, canonical_url(TEMPO_OLD), "tempo", "track", T0, "Judul lama", "r1", T0, True)
    _article(old, canonical_url(TEMPO_NEW), "tempo", "discover", t1, TITLE, "r2", t2, True)
    # a Republika double-slash URL stored apart from the kanal-host address
    _article(old, canonical_url(REPUBLIKA), "republika", "discover", T0, "Judul R", "r1", T0, False)
    _article(old, canonical_url(REPUBLIKA_BARE), "republika", "discover", t1, "Judul R", "r2", t1, False)
    _article(old, canonical_url(TRIBUN), "tribun", "track", T0, "Judul T", "r1", T0, True)  # no twin
    counts = {t: old.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("versions", "fetches", "events", "alerts", "deliveries")}
    old.close()

    con = connect(path)  # applies migration 005
    try:
        assert rows(con, "SELECT max(version) FROM schema_migrations") == [(max(n for n, _, _ in migration_files()),)]
        state = "SELECT url, key, source, first_seen, relevant, current_hash, etag FROM articles ORDER BY key"
        assert rows(con, state) == [
            (canonical_url(REPUBLIKA), "republika:s0kbre472", "discover", T0, False, content_hash("Judul R", BODY),
             None),
            (canonical_url(TEMPO_OLD), "tempo:1768245", "track", T0, True, content_hash(TITLE, BODY), None),
            (canonical_url(TRIBUN), article_key(TRIBUN), "track", T0, True, content_hash("Judul T", BODY), '"v1"'),
        ]
        # nothing lost: every row kept and re-pointed at the surviving article
        for table, before in counts.items():
            after = rows(con, f"SELECT count(*) FROM {table}")[0][0]
            assert after == before + (2 if table == "events" else 0), table  # + one 'merged' event per merge
        for table in ("versions", "fetches", "alerts"):
            assert {url for (url,) in rows(con, f"SELECT DISTINCT article_url FROM {table}")} <= {
                canonical_url(REPUBLIKA), canonical_url(TEMPO_OLD), canonical_url(TRIBUN)}, table
        assert rows(con, f"SELECT count(*) FROM article_versions WHERE url = '{canonical_url(TEMPO_OLD)}'") == [(2,)]
        merged = aliases(con)
        assert merged[canonical_url(TEMPO_NEW)] == (canonical_url(TEMPO_OLD), "merged")
        assert merged[canonical_url(REPUBLIKA_BARE)] == (canonical_url(REPUBLIKA), "merged")
        assert merged[canonical_url(TRIBUN)] == (canonical_url(TRIBUN), "track")
        assert rows(con, "SELECT count(*) FROM deliveries WHERE status <> 'sent'") == [(0,)]
        assert rows(con, "SELECT index_name FROM duckdb_indexes() WHERE table_name = 'versions'") == [
            ("versions_article",)]

        # the next pass: the feed lists the new Tempo address again, the check sees the same text
        assert store.track(con, [(TEMPO_NEW, "tempo"), (REPUBLIKA_BARE, "republika")], "discover", t2) == []
        art = checked(canonical_url(TEMPO_OLD), final=TEMPO_NEW, redirects=(TEMPO_NEW,))
        result = record(con, [art], 72)
        assert result.alerts == 0 and sum(p.new_articles for p in result.portals.values()) == 0
        assert rows(con, "SELECT count(*) FROM alerts") == [(counts["alerts"],)]
    finally:
        con.close()


def _page(canonical: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    return (f'<html><head><title>{TITLE}</title><link rel="canonical" href="{canonical}"></head><body>'
            f'<h1 id="arttitle">{TITLE}</h1><div id="penulis"><a>Rina</a></div>'
            f'<div class="side-article txt-article">{paragraphs}</div></body></html>')


@pytest.mark.parametrize(("canonical", "expected"), [
    ("https://www.tribunnews.com/", TRIBUN),  # the home page
    ("/", TRIBUN),
    ("https://www.tribunnews.com/internasional", TRIBUN),  # the section the article sits in
    (TRIBUN_AMP, TRIBUN_AMP),  # a twin is what the page says it is
])
def test_parsers_ignore_a_canonical_link_to_a_home_or_section_page(canonical: str, expected: str) -> None:
    import parsers

    assert parsers.parse(_page(canonical), TRIBUN).url == expected


def test_page_two_may_name_page_one_as_canonical_on_any_host() -> None:
    page = "http://127.0.0.1:8123/2026/07/judul-artikel-panjang/2"
    assert canonical_url(page, "/2026/07/judul-artikel-panjang") == "http://127.0.0.1:8123/2026/07/judul-artikel-panjang"


def test_track_skips_what_is_no_web_address_and_keeps_a_known_display_url(con: duckdb.DuckDBPyConnection) -> None:
    assert store.track(con, [("http://[::1", None), (DETIK, "detik")], "track", T0) == [DETIK]
    assert rows(con, "SELECT count(*) FROM url_aliases WHERE alias LIKE 'http://[%'") == [(0,)]
    # a display URL stored under a key computed differently once is the same article, not a new one
    con.execute("INSERT INTO articles (url, key, portal, source, first_seen) VALUES (?, 'old-rule:1', 'tempo', "
                "'discover', ?)", [TEMPO_SHORT, T0])
    assert store.track(con, [(TEMPO_SHORT, "tempo")], "track", T0) == []
    assert aliases(con)[TEMPO_SHORT] == (TEMPO_SHORT, "track")


def test_what_a_check_proves_about_its_article() -> None:
    from warehouse.identity import CANONICAL, REDIRECT, Seen, seen_in_check

    moved = checked(DETIK, final=DETIK_MOVED, redirects=(DETIK_MOVED,))
    hop = Seen(DETIK_MOVED, article_key(DETIK_MOVED), REDIRECT)
    assert seen_in_check(moved) == [hop, hop, Seen(DETIK_MOVED, hop.key, CANONICAL)]  # the hop, the end, the link
    twin = TEMPO_SHORT.replace("www.", "m.")
    assert seen_in_check(checked(TEMPO_SHORT, canonical=twin))[-1] == Seen(twin, article_key(twin), CANONICAL)
    failed = CheckResult(DueArticle(DETIK, "detik"), FETCH_FAILED, moved.fetches)
    assert seen_in_check(failed) == []
    unchanged = CheckResult(DueArticle(DETIK, "detik"), UNCHANGED_304, moved.fetches)
    assert [s.alias for s in seen_in_check(unchanged)] == [DETIK_MOVED, DETIK_MOVED]  # no page: no canonical
    # on a host that is no known portal only the final address counts, not the hops before it
    other = "https://warta.contoh.id/berita/2025/06/10/kapal-kargo"
    short = "https://warta.contoh.id/r/123"
    found = seen_in_check(checked(other, redirects=(short, other)))
    assert [(s.alias, s.kind) for s in found] == [(other, REDIRECT), (other, REDIRECT), (other, CANONICAL)]


def test_merged_state_keeps_the_latest_check_the_earliest_sighting_and_any_relevance() -> None:
    from warehouse.identity import merged_state

    def row(**values: object) -> dict[str, object]:
        base = {"source": "discover", "first_seen": T0, "active": False, "status": "ok", "title": None,
                "published": None, "current_hash": None, "current_meta_hash": None, "last_checked": None,
                "last_changed": None, "next_check": None, "consecutive_errors": 0, "removal_strikes": 0,
                "relevance": None, "relevant": False, "relevance_evidence": None}
        return {**base, **values}

    hour = dt.timedelta(hours=1)
    keep = row(source="track", first_seen=T0 + hour, title="Lama", current_hash="h1", current_meta_hash="m1",
               last_checked=T0 + hour, last_changed=T0, next_check=T0 + 5 * hour, relevance=1.0,
               published=T0 - hour)
    gone = row(first_seen=T0, active=True, status="error", current_hash=None, last_checked=T0 + 2 * hour,
               last_changed=T0 + hour, next_check=T0 + 3 * hour, consecutive_errors=2, relevance=9.0, relevant=True,
               relevance_evidence="[]")
    state = merged_state(keep, gone)
    assert (state["source"], state["first_seen"], state["active"], state["published"]) == ("track", T0, True, T0 - hour)
    assert (state["status"], state["consecutive_errors"], state["last_checked"]) == ("error", 2, T0 + 2 * hour)
    assert (state["title"], state["current_hash"], state["current_meta_hash"]) == ("Lama", "h1", "m1")  # gone has none
    assert (state["relevance"], state["relevant"], state["relevance_evidence"]) == (9.0, True, "[]")
    assert (state["last_changed"], state["next_check"]) == (T0 + hour, T0 + 3 * hour)
    assert state["etag"] is None and state["last_modified"] is None
    one_due = merged_state(keep, {**gone, "next_check": None})
    assert one_due["next_check"] is None  # a next check only when both had one
    assert merged_state(keep, {**gone, "relevant": False})["relevance"] == 1.0
