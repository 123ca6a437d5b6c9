"""What counts as a change, end to end: real flow passes over the replica, judged in the warehouse.

One sequence of passes covers: an edited paragraph (one edit, exactly its sentences), ad rotation
plus whitespace plus a changed "Baca juga" link (nothing), a flip-flop (a revert, no second
alert), two 404s (one removal), and five articles of one portal changing at once (one
portal-health event, zero edits).
"""
from __future__ import annotations

import datetime as dt
import pathlib
import re

import duckdb
import pytest

from beritawatch.testing.replica.render import ArticleSpec, page_urls, render
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL, REPUBLIKA_URL, TEMPO_URL, tracked_articles
from flows.monitor import monitor_pass

pytestmark = pytest.mark.prefect
WIB = dt.timezone(dt.timedelta(hours=7))
EXTRA = [f"https://finance.detik.com/berita-ekonomi-bisnis/d-74000{i:02d}/harga-komoditas-pekan-ini-{i}"
         for i in range(5)]


def extra_spec(url: str, i: int) -> ArticleSpec:
    return ArticleSpec(url=url, portal="detik", title=f"Harga Komoditas Pekan Ini, Bagian {i}",
                       author="Wulan Sari", published=dt.datetime(2026, 11, 20, 8, i, tzinfo=WIB),
                       paragraphs=[f"Jakarta - Harga beras medium naik tipis pada pekan ke-{i} bulan ini.",
                                   "Pedagang di Pasar Induk Cipinang menyebut pasokan dari Jawa Tengah lancar.",
                                   "Harga cabai rawit justru turun karena panen raya di beberapa daerah."])


def rows(db: pathlib.Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def serve_with_noise_changes(replica: Replica, url: str) -> None:
    """Serve every page of an article with rotated ads, other whitespace and another Baca juga link."""
    spec = replica.article(url)
    for page in page_urls(spec):
        html = render(spec, page) or ""
        html = re.sub(r"div-gpt-ad-\d+-0", "div-gpt-ad-8888-0", html)
        html = re.sub(r'(<a href=")https://news\.detik\.com/berita/\d+/[a-z-]+(">)[^<]+(</a>)',
                      r"\1https://news.detik.com/berita/9100001/harga-cabai-turun\2Harga Cabai Turun\3", html)
        html = html.replace("</p><p>", "</p>\n\n   <p>").replace(". ", ".\u00a0 ")
        replica.behave(page, body=html.encode("utf-8"))


def break_template(replica: Replica, url: str) -> None:
    """A new promo box inside the body container, unknown to the parser: every article 'changes'."""
    spec = replica.article(url)
    html = (render(spec, url) or "").replace(
        '<div class="detail__body-text itp_bodycontent">',
        '<div class="detail__body-text itp_bodycontent"><p>Promo langganan detikPlus: diskon 50 persen '
        'untuk pembaca baru, hanya sampai akhir bulan.</p>')
    replica.behave(url, body=html.encode("utf-8"))


def test_what_counts_as_a_change(prefect_server: str, replica: Replica, write_config) -> None:
    for i, url in enumerate(EXTRA):
        replica.add_article(extra_spec(url, i), )
    config = write_config([*(s.url for s in tracked_articles()), *EXTRA])
    db = config.parent / "warehouse.duckdb"
    monitor_pass(config_path=str(config))
    assert rows(db, "SELECT count(*) FROM versions") == [(10,)]
    new_alerts = rows(db, "SELECT count(*) FROM alerts WHERE kind = 'new'")[0][0]

    # pass 2: republika really edited; detik noise only; five finance.detik articles break at once
    republika = replica.article(REPUBLIKA_URL)
    original = list(republika.paragraphs)
    edited = [*original]
    edited[2] = ("Menurut Washington, Rusia mencari peluru artileri, roket, serta bahan baku untuk industri "
                 "pertahanannya. Kapal kargo Rusia terlihat di pelabuhan Rajin pekan lalu.")
    replica.edit(REPUBLIKA_URL, paragraphs=edited)
    serve_with_noise_changes(replica, DETIK_URL)
    for url in EXTRA:
        break_template(replica, url)
    second = monitor_pass(config_path=str(config))

    [(kind, added, removed, changed)] = rows(db, "SELECT kind, added, removed, changed::VARCHAR FROM edits")
    assert kind == "substantive"
    assert added == ["Kapal kargo Rusia terlihat di pelabuhan Rajin pekan lalu."]
    assert removed == []
    assert "roket, serta bahan baku" in changed and "peluru artileri serta bahan baku" in changed
    assert second["portals"]["detik"]["new_versions"] == 0  # noise and template break: no edit
    assert second["portals"]["detik"]["held"] == 5
    assert rows(db, "SELECT portal, checked, changed FROM portal_health") == [("detik", 6, 5)]
    assert rows(db, "SELECT count(*) FROM alerts WHERE kind = 'edit'") == [(1,)]
    assert rows(db, "SELECT count(*) FROM alerts WHERE kind = 'health'") == [(1,)]

    # pass 3: republika flips back (a revert, no alert); tempo starts answering 404
    replica.edit(REPUBLIKA_URL, paragraphs=original)
    replica.behave(TEMPO_URL, status=404)
    third = monitor_pass(config_path=str(config))
    assert third["portals"]["republika"]["reverts"] == 1
    tempo_status = rows(db, "SELECT status FROM articles WHERE url = ?".replace("?", f"'{TEMPO_URL}'"))
    assert tempo_status == [("removal_suspected",)]

    # pass 4: a second 404 confirms the removal
    monitor_pass(config_path=str(config))
    assert rows(db, "SELECT url, kind, reason FROM removals") == [(TEMPO_URL, "removed", "HTTP 404")]
    kinds = dict(rows(db, "SELECT kind, count(*) FROM alerts GROUP BY kind"))
    assert kinds == {"new": new_alerts, "edit": 1, "health": 1, "removed": 1}
    assert rows(db, "SELECT count(*) FROM versions") == [(11,)]
