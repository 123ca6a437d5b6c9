"""Raw-page packing: plain and per-portal dictionary round trips, old rows, rollbacks, stale templates."""
from __future__ import annotations

import datetime as dt
import pathlib
import random

import duckdb
import pytest
import zstandard

from warehouse import compress
from warehouse.db import connect, migration_files, transaction

DETIK = "https://news.detik.com/berita/d-71{:05d}/halaman-uji"
TEMPO = "https://nasional.tempo.co/read/17{:05d}/halaman-uji"


def _noise(rng: random.Random, size: int) -> str:
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
             for _ in range(400)]
    return " ".join(rng.choice(words) for _ in range(size // 6))[:size]


def template(name: str, size: int = 40_000) -> tuple[str, str]:
    """A site's constant chrome (before and after the article), the same on every page."""
    rng = random.Random(f"template:{name}")
    return (f"<html><head><script>{_noise(rng, size // 2)}</script></head><body><nav>",
            f"</nav><footer>{_noise(rng, size // 2)}</footer></body></html>")


def page(name: str, i: int, chars: int = 3000) -> bytes:
    head, tail = template(name)
    return (head + f"<article><h1>Judul {i}</h1><p>{_noise(random.Random(f'{name}:{i}'), chars)}</p></article>"
            + tail).encode()


@pytest.fixture
def db(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "w.duckdb"
    connect(path).close()
    return path


def store(con: duckdb.DuckDBPyConnection, rows: list[tuple[int, str, bytes]]) -> list[str]:
    """Pack and insert pages the way the pass writer does; the codecs used."""
    codecs = []
    for version_id, url, html in rows:
        codec, blob = compress.encode(con, url, html)
        con.execute("INSERT INTO version_pages VALUES (?, 0, ?, ?, ?)", [version_id, url, codec, blob])
        codecs.append(codec)
    return codecs


def read_all(path: pathlib.Path) -> dict[int, bytes]:
    with connect(path) as con:
        decode = compress.Decoder(con)
        rows = con.execute("SELECT version_id, codec, html FROM version_pages ORDER BY version_id").fetchall()
        return {version_id: decode(codec, blob) for version_id, codec, blob in rows}


def test_rows_written_before_dictionaries_still_read(db: pathlib.Path) -> None:
    html = page("detik", 1)
    old = zstandard.ZstdCompressor(level=12).compress(html)  # what store.py wrote until now
    with connect(db) as con:
        con.execute("INSERT INTO version_pages VALUES (1, 0, ?, 'zstd', ?), (2, 0, ?, 'identity', ?)",
                    [DETIK.format(1), old, DETIK.format(2), b"<p>as is</p>"])
    assert read_all(db) == {1: html, 2: b"<p>as is</p>"}


def test_a_portal_gets_a_dictionary_after_its_first_pages_and_everything_round_trips(db: pathlib.Path) -> None:
    pages = {i: page("detik", i) for i in range(1, 21)}
    with connect(db) as con, transaction(con):
        codecs = store(con, [(i, DETIK.format(i), html) for i, html in pages.items()])
    assert codecs[: compress.SAMPLES - 1] == [compress.PLAIN] * (compress.SAMPLES - 1)
    assert len(set(codecs[compress.SAMPLES - 1:])) == 1 and codecs[-1].startswith(compress.DICT_PREFIX)
    assert read_all(db) == pages
    with duckdb.connect(str(db), read_only=True) as con:
        sizes = dict(con.execute("""SELECT codec LIKE 'zstd-dict:%', avg(octet_length(html))
                                    FROM version_pages GROUP BY 1""").fetchall())
        [(family, kind)] = con.execute("SELECT family, kind FROM page_dictionaries").fetchall()
    assert (family, kind) == ("detik", "raw")
    assert sizes[True] < sizes[False] / 4  # the template costs almost nothing with the dictionary


def test_a_later_connection_reuses_the_stored_dictionary(db: pathlib.Path) -> None:
    with connect(db) as con, transaction(con):
        first = store(con, [(i, DETIK.format(i), page("detik", i)) for i in range(1, 11)])
    with connect(db) as con, transaction(con):
        second = store(con, [(i, DETIK.format(i), page("detik", i)) for i in range(11, 14)])
    assert set(second) == {first[-1]}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM page_dictionaries").fetchone() == (1,)


def test_samples_carry_over_from_pages_stored_by_earlier_passes(db: pathlib.Path) -> None:
    for start in (1, 4, 7):  # three small passes of three pages
        with connect(db) as con, transaction(con):
            codecs = store(con, [(i, DETIK.format(i), page("detik", i)) for i in range(start, start + 3)])
    assert codecs[-1].startswith(compress.DICT_PREFIX)  # page 9 of the portal: 8 samples reached
    assert len(read_all(db)) == 9


def test_portals_and_other_sites_get_their_own_dictionaries(db: pathlib.Path) -> None:
    other = "https://www.example.org/news/{}"
    rows = [(i, DETIK.format(i), page("detik", i)) for i in range(1, 9)]
    rows += [(100 + i, TEMPO.format(i), page("tempo", i)) for i in range(1, 9)]
    rows += [(200 + i, other.format(i), page("example", i)) for i in range(1, 9)]
    with connect(db) as con, transaction(con):
        codecs = store(con, rows)
        assert compress.encode(con, "not a url", b"<p>x</p>")[0] == compress.PLAIN
    assert len({c for c in codecs if c != compress.PLAIN}) == 3
    with duckdb.connect(str(db), read_only=True) as con:
        assert sorted(r[0] for r in con.execute("SELECT family FROM page_dictionaries").fetchall()) == \
            ["detik", "tempo", "www.example.org"]
    assert len(read_all(db)) == 24


def test_a_rolled_back_pass_leaves_no_page_naming_a_missing_dictionary(db: pathlib.Path) -> None:
    with connect(db) as con:
        with pytest.raises(RuntimeError), transaction(con):
            codecs = store(con, [(i, DETIK.format(i), page("detik", i)) for i in range(1, 11)])
            raise RuntimeError("the pass failed")
        assert codecs[-1].startswith(compress.DICT_PREFIX)
        assert con.execute("SELECT count(*) FROM version_pages").fetchone() == (0,)
        with transaction(con):  # the same connection goes on with the dictionary, already committed
            again = store(con, [(i, DETIK.format(i), page("detik", i)) for i in range(11, 14)])
    assert set(again) == {codecs[-1]}
    assert sorted(read_all(db)) == [11, 12, 13]


def test_a_redesign_gets_a_new_dictionary_and_old_rows_keep_theirs(db: pathlib.Path) -> None:
    before = [(i, DETIK.format(i), page("detik", i)) for i in range(1, 11)]
    after = [(i, DETIK.format(i), page("detik-2027", i))
             for i in range(11, 12 + compress.WATCH + compress.SAMPLES)]
    with connect(db) as con, transaction(con):
        old_codecs = store(con, before)
        new_codecs = store(con, after)
    assert new_codecs[0] == old_codecs[-1] and new_codecs[-1] != old_codecs[-1]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM page_dictionaries WHERE family = 'detik'").fetchone() == (2,)
    assert read_all(db) == {i: html for i, _, html in before + after}


def test_heterogeneous_pages_do_not_churn_dictionaries(db: pathlib.Path) -> None:
    rows = [(i, DETIK.format(i), page(f"site-{i}", i)) for i in range(1, 120)]  # no shared template
    with connect(db) as con, transaction(con):
        store(con, rows)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM page_dictionaries").fetchone()[0] <= 2
    assert len(read_all(db)) == len(rows)


def test_a_missing_or_bad_dictionary_is_a_clear_error(db: pathlib.Path) -> None:
    with connect(db) as con:
        decode = compress.Decoder(con)
        with pytest.raises(compress.CodecError, match="not in page_dictionaries"):
            decode("zstd-dict:12345", b"\x28\xb5\x2f\xfd")
        with pytest.raises(compress.CodecError, match="bad codec"):
            decode("zstd-dict:x", b"")
        con.execute("INSERT INTO page_dictionaries VALUES (7, 'detik', ?, 'raw', 1, 'not the bytes of 7')",
                    [dt.datetime.now(dt.UTC)])
        with pytest.raises(compress.CodecError, match="does not match"):
            decode("zstd-dict:7", b"")


def test_choose_picks_the_most_typical_sample() -> None:
    samples = [page("detik", i) for i in range(1, 6)] + [b"<html>error page</html>"]
    chosen = compress.choose(samples)
    assert chosen.content != samples[-1] and chosen.dict_id == compress.dictionary_id(chosen.content)
    with pytest.raises(ValueError):
        compress.choose([])


def test_pass_writer_and_reparse_round_trip_through_dictionaries(db: pathlib.Path) -> None:
    from beritawatch.check import PARSED, CheckResult, DueArticle
    from beritawatch.fetch import FetchResult
    from beritawatch.relevance import default_topics
    from parsers import Article
    from warehouse import reparse
    from warehouse import store as warehouse_store

    now = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
    urls = [DETIK.format(i) for i in range(1, 13)]
    html = {url: page("detik", i) for i, url in enumerate(urls, 1)}
    articles = {url: Article(url=url, portal="detik", title=f"Judul {i}", authors=("Rina",),
                             body=(f"Paragraf pertama artikel {i}.", "Paragraf kedua."), published=now)
                for i, url in enumerate(urls, 1)}
    results = [CheckResult(DueArticle(url, "detik"), PARSED,
                           (FetchResult(url, now, "ok", 200, 1.0, html[url], "text/html"),),
                           articles[url], ((url, html[url]),)) for url in urls]
    policy = warehouse_store.PassPolicy(topics=default_topics(), next_check=lambda *_: None)
    seen: dict[str, bytes] = {}

    def parse(page_html: str | bytes, url: str) -> Article:
        seen[url] = page_html if isinstance(page_html, bytes) else page_html.encode()
        return articles[url]

    with connect(db) as con:
        warehouse_store.track(con, [(url, "detik") for url in urls], "track", now)
        warehouse_store.record_checks(con, "run-1", results, now, policy)
        stats = reparse.reparse(con, parse=parse, now=now)
        codecs = [r[0] for r in con.execute("SELECT codec FROM version_pages ORDER BY version_id").fetchall()]
    assert seen == html
    assert (stats.versions, stats.changed, stats.failed) == (12, 0, 0)
    assert codecs.count(compress.PLAIN) == compress.SAMPLES - 1
    assert all(c.startswith(compress.DICT_PREFIX) for c in codecs[compress.SAMPLES - 1:])


def test_migration_007_adopts_a_page_dictionaries_table_made_before_it(tmp_path: pathlib.Path) -> None:
    # a warehouse from before 007: its migrations applied, the table made by compress.py on first use
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                    "applied_at TIMESTAMPTZ NOT NULL)")
        for number, name, step in migration_files():
            if number < 7:
                if isinstance(step, str):
                    con.execute(step)
                else:
                    step(con)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
        con.execute("""CREATE TABLE page_dictionaries (dict_id BIGINT PRIMARY KEY, family VARCHAR NOT NULL,
                       created_at TIMESTAMPTZ NOT NULL, kind VARCHAR NOT NULL, baseline_bytes INTEGER NOT NULL,
                       dict BLOB NOT NULL)""")
        old = page("detik", 1)
        con.execute("INSERT INTO page_dictionaries VALUES (?, 'detik', now(), 'raw', 1000, ?)",
                    [compress.dictionary_id(old), old])
    with connect(db) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] >= 7
        assert con.execute("SELECT family, dict FROM page_dictionaries").fetchall() == [("detik", old)]
        raw = zstandard.ZstdCompressionDict(old, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        packed = zstandard.ZstdCompressor(dict_data=raw).compress(page("detik", 2))
        assert compress.Decoder(con)(compress.codec_name(compress.dictionary_id(old)), packed) == page("detik", 2)


def test_a_fresh_warehouse_has_page_dictionaries_from_migration_007(tmp_path: pathlib.Path) -> None:
    with connect(tmp_path / "new.duckdb") as con:
        name = con.execute("SELECT name FROM schema_migrations WHERE version = 7").fetchone()
        assert name == ("page_dictionaries_retention",)
        assert con.execute("SELECT count(*) FROM page_dictionaries").fetchone() == (0,)
