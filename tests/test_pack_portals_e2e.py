"""The portals added as one folder each (kompas, cnnindonesia, antaranews), discovery to alert: one real pass
of a config holding every discovery source their packs suggest, on the replica, which serves those sources
and the article pages built from the packs' own data. Each new relevant story is tracked once and alerted
once; twins of one article are one article; media listed by the sources is never fetched."""
from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pytest

from beritawatch.testing.replica import packpages
from beritawatch.testing.replica.receivers import JsonReceiver, Received
from beritawatch.testing.replica.render import ArticleSpec
from beritawatch.testing.replica.server import Replica, RequestRecord
from beritawatch.urls import canonical_url
from flows.monitor import monitor_pass
from parsers.portals import BY_NAME

pytestmark = pytest.mark.prefect
WIB = dt.timezone(dt.timedelta(hours=7))
NOON = dt.datetime(2026, 11, 3, 12, 0, tzinfo=WIB)
NEW_PORTALS = ("kompas", "cnnindonesia", "antaranews")


@dataclasses.dataclass(frozen=True)
class Story:
    url: str
    title: str
    relevant: bool
    twin: str | None = None  # another address the sources list for it


STORIES: dict[str, tuple[Story, ...]] = {
    "kompas": (
        Story("https://internasional.kompas.com/read/2026/11/03/12450011/seoul-korut-kirim-artileri-ke-rusia",
              "Seoul: Korut Kirim Artileri Swagerak ke Rusia", True,
              "https://internasional.kompas.com/read/2026/11/03/12450011/seoul-korut-kirim-artileri-ke-rusia"
              "?page=all"),
        Story("https://www.kompas.com/jawa-barat/read/2026/11/03/10150021/festival-layang-layang-di-pangandaran",
              "Festival Layang-layang Digelar di Pangandaran", False),
    ),
    "cnnindonesia": (
        Story("https://www.cnnindonesia.com/internasional/20261103124000-134-1300101/"
              "intelijen-as-rusia-terima-rudal-balistik-korut",
              "Intelijen AS: Rusia Terima Rudal Balistik Baru dari Korut", True,
              "https://www.cnnindonesia.com/internasional/20261103124000-134-1300101/"
              "intelijen-as-rusia-terima-rudal-balistik-korut/2"),
        Story("https://www.cnnindonesia.com/olahraga/20261103101500-142-1300090/timnas-putri-menang-tipis",
              "Timnas Putri Menang Tipis di Laga Uji Coba", False),
    ),
    "antaranews": (
        Story("https://www.antaranews.com/berita/5120345/ri-cermati-laporan-pasokan-senjata-korut-ke-rusia",
              "RI Cermati Laporan Pasokan Senjata Korut ke Rusia", True,
              "https://m.antaranews.com/berita/5120345/ri-cermati-laporan-pasokan-senjata-korut-ke-rusia"),
        Story("https://www.antaranews.com/berita/5120301/harga-cabai-rawit-turun-di-pasar-induk",
              "Harga Cabai Rawit Turun di Pasar Induk", False),
    ),
}
MEDIA: dict[str, str] = {
    "kompas": "https://video.kompas.com/watch/1200345/video-kapal-rusia-bersandar-di-rajin",
    "cnnindonesia": "https://www.cnnindonesia.com/tv/20261103113000-404-1300077/video-parade-militer-di-pyongyang",
    "antaranews": "https://www.antaranews.com/foto/5120300/latihan-militer-gabungan-di-perbatasan",
}


def _paragraphs(story: Story) -> list[str]:
    if story.relevant:
        return [f"{story.title}. Korea Utara disebut mengirim senjata dan amunisi ke Rusia untuk perang di Ukraina, "
                "menurut pejabat yang mengetahui laporan intelijen tersebut.",
                "Pengiriman itu disebut melewati jalur kereta dan pelabuhan di timur jauh Rusia.",
                "Pemerintah kedua negara belum memberikan tanggapan resmi atas laporan itu."]
    return [f"{story.title}. Panitia menyebut acara tahun ini diikuti lebih banyak peserta daripada tahun lalu.",
            "Warga dan wisatawan memadati lokasi sejak pagi hari.",
            "Kegiatan serupa direncanakan kembali pada tahun depan."]


@dataclasses.dataclass
class Pass:
    db: pathlib.Path
    result: dict[str, Any]
    requests: list[RequestRecord]
    messages: list[Received]

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def _serve(replica: Replica) -> list[str]:
    """Serve the stories, media and every source of the new packs; the config's [[discover]] lines."""
    lines: list[str] = []
    for name in NEW_PORTALS:
        pack = BY_NAME[name]
        items = []
        for minutes, story in enumerate(STORIES[name]):
            replica.add_article(ArticleSpec(url=story.url, portal=name, title=story.title, author="Rahmat Hidayat",
                                            published=NOON + dt.timedelta(minutes=minutes),
                                            paragraphs=_paragraphs(story)))
            items.append((story.twin or story.url, story.title, NOON + dt.timedelta(minutes=minutes)))
        items.append((MEDIA[name], "Video", NOON))
        replica.put(MEDIA[name], '<html><head><meta property="og:type" content="video.other"></head>'
                                 "<body><video src='/v.m3u8'></video></body></html>")
        for source in pack.sources:
            body, content_type = packpages.source_body(pack, source, items)
            replica.put(source.url, body, content_type)
            lines += ["[[discover]]", f'url = "{source.url}"', f'kind = "{source.kind}"', "every_minutes = 10",
                      "max_new = 20", ""]
    return lines


@pytest.fixture(scope="module")
def one_pass(prefect_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pass]:
    folder = tmp_path_factory.mktemp("pack-portals")
    db = folder / "warehouse.duckdb"
    with Replica() as replica, JsonReceiver() as chat:
        discover = _serve(replica)
        twins = [story.twin for stories in STORIES.values() for story in stories if story.twin]
        hosts = {*replica.route_map(), *(urlsplit(twin).hostname or "" for twin in twins)}
        lines = [f'database = "{db}"', "", *discover, "[alerts]", f'targets = ["{chat.url()}"]', "",
                 "[http]", "min_delay_s = 0.0", "timeout_s = 5.0", "retries = 1", "max_retry_wait_s = 1.0", "",
                 "[http.route]", *(f'"{host}" = "{replica.origin}"' for host in sorted(hosts) if host)]
        # The relevant stories share one body text (one story by their words): one [Baru] each here.
        lines += ["", "[stories]", "group_alerts = false"]
        config = folder / "beritawatch.toml"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = monitor_pass(config_path=str(config), db_path=str(db))
        yield Pass(db, result, list(replica.requests), list(chat.accepted))


def test_every_suggested_source_of_the_new_packs_is_polled(one_pass: Pass) -> None:
    polls = one_pass.query("SELECT source_url, outcome FROM source_polls")
    expected = {source.url for name in NEW_PORTALS for source in BY_NAME[name].sources}
    assert {url for url, _ in polls} == expected
    assert all(outcome == "ok" for _, outcome in polls), polls


@pytest.mark.parametrize("name", NEW_PORTALS)
def test_each_new_portal_story_is_tracked_once_and_alerted_when_relevant(one_pass: Pass, name: str) -> None:
    for story in STORIES[name]:
        [(portal, relevant, versions)] = one_pass.query(
            "SELECT portal, relevant, (SELECT count(*) FROM versions v WHERE v.article_url = a.url) "
            "FROM articles a WHERE url = ?", [canonical_url(story.url)])
        assert (portal, relevant, versions) == (name, story.relevant, 1)
        [(alerts,)] = one_pass.query("SELECT count(*) FROM alerts WHERE kind = 'new' AND article_url = ?",
                                     [canonical_url(story.url)])
        assert alerts == (1 if story.relevant else 0)
        texts = [f"{m.json.get('title', '')}\n{m.json.get('message', '')}" for m in one_pass.messages]
        assert sum(story.title in text for text in texts) == (1 if story.relevant else 0)


def test_twins_are_one_article_and_media_is_never_fetched(one_pass: Pass) -> None:
    requested = {f"{r.host}{r.path}" for r in one_pass.requests}
    for name in NEW_PORTALS:
        parts = urlsplit(MEDIA[name])
        assert f"{parts.netloc}{parts.path}" not in requested
    assert not [r for r in one_pass.requests if r.host == "m.antaranews.com" or "page=all" in r.path
                or r.path.endswith("/2")]
    recorded = {url for (url,) in one_pass.query("SELECT url FROM discovery_rejections WHERE reason = 'media'")}
    assert recorded == set(MEDIA.values())
    [(articles,)] = one_pass.query("SELECT count(*) FROM articles")
    assert articles == sum(len(stories) for stories in STORIES.values())
