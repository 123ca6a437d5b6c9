"""`beritawatch demo`: an offline tour. The replica plays the portals, a local JSON receiver plays
the chat, and three real passes show new coverage, an edit and a takedown, then the report."""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import textwrap
from collections.abc import Callable

from beritawatch.testing.replica import feeds
from beritawatch.testing.replica.receivers import JsonReceiver
from beritawatch.testing.replica.render import ArticleSpec
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL, TEMPO_URL, tracked_articles

FEED = "https://news.detik.com/rss"
SCOOP = "https://news.detik.com/internasional/d-7500001/citra-satelit-kereta-amunisi-korut-menuju-rusia"
WIB = dt.timezone(dt.timedelta(hours=7))


def _scoop() -> ArticleSpec:
    return ArticleSpec(
        url=SCOOP, portal="detik", title="Citra Satelit Tunjukkan Kereta Amunisi Korut Menuju Rusia",
        author="Dimas Ardiansyah", published=dt.datetime.now(WIB).replace(microsecond=0),
        paragraphs=[
            "Seoul - Citra satelit komersial memperlihatkan rangkaian kereta barang dari Korea Utara "
            "yang diduga membawa amunisi artileri menuju Rusia.",
            "Lembaga riset di Washington menghitung sedikitnya 40 gerbong di stasiun perbatasan Tumangang.",
            "Kementerian Pertahanan Rusia belum menanggapi temuan tersebut."])


def _write_config(folder: pathlib.Path, replica: Replica, chat: JsonReceiver) -> pathlib.Path:
    lines = [f'database = "{folder / "demo.duckdb"}"', ""]
    for spec in tracked_articles():
        lines += ["[[track]]", f'url = "{spec.url}"', ""]
    lines += ["[[discover]]", f'url = "{FEED}"', "", "[alerts]",
              f'targets = [{{url = "{chat.url()}", tags = ["chat", "ops"]}}]', "",
              "[http]", "min_delay_s = 0.0", "timeout_s = 5.0", "", "[http.route]"]
    lines += [f'"{host}" = "{origin}"' for host, origin in sorted(replica.route_map().items())]
    lines += ["", "[revisit]", "every_pass = true", ""]
    path = folder / "demo.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def as_chat_shows(markdown: str) -> str:
    """A chat message's Markdown as the chat displays it: no bold markers, escapes or link brackets."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", markdown)
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)
    return re.sub(r"\\([\\`*_\[\]<>&~|#+=.-])", r"\1", text)


def run_demo(out: pathlib.Path, say: Callable[[str], None] = print) -> int:
    """Run the tour, writing the warehouse, config and report under `out`."""
    from beritawatch.commands.summary import format_summary
    from beritawatch.report import write_report
    from flows.monitor import monitor_pass
    from warehouse.db import connect

    out.mkdir(parents=True, exist_ok=True)
    for stale in ("demo.duckdb", "demo.duckdb.wal"):
        (out / stale).unlink(missing_ok=True)
    with Replica() as replica, JsonReceiver() as chat:
        for spec in tracked_articles():
            replica.add_article(spec)
        replica.put(FEED, feeds.rss([]), feeds.CONTENT_TYPES["rss"])
        replica.add_article(_scoop())
        config = _write_config(out, replica, chat)
        seen = 0

        def step(title: str, note: str) -> None:
            nonlocal seen
            say(f"\n=== {title}\n{textwrap.fill(note, 96)}\n")
            summary = monitor_pass(config_path=str(config))
            say(format_summary(summary))
            for request in chat.accepted[seen:]:
                body = json.loads(request.body)
                say(f"\n  chat ← {body['title']}")
                say(textwrap.indent(as_chat_shows(body["message"]), "     "))
            seen = len(chat.accepted)

        step("Pass 1: the five tracked articles",
             "Every article is fetched from the replica (routed by host), parsed by its portal's "
             "parser and stored as version 1. Relevant ones alert as new coverage.")
        replica.put(FEED, feeds.rss([(SCOOP, "Citra Satelit Kereta Amunisi", dt.datetime.now(WIB))]),
                    feeds.CONTENT_TYPES["rss"])
        detik = replica.article(DETIK_URL)
        replica.edit(DETIK_URL, paragraphs=[*detik.paragraphs[:3],
                                            "Pejabat itu menyebut sedikitnya 300 kontainer amunisi sudah dikirim.",
                                            *detik.paragraphs[3:]])
        replica.behave(TEMPO_URL, status=404)
        step("Pass 2: the detik RSS lists a new story, detik edits an article, Tempo answers 404",
             "The new story is discovered, scored relevant and alerted; the edit alerts with the added "
             "sentence; Tempo's first 404 is only a suspicion.")
        step("Pass 3: Tempo still answers 404",
             "Two 404s in a row confirm the takedown: one removal alert.")
        con = connect(out / "demo.duckdb", read_only=True)
        try:
            index = write_report(con, out / "report")
        finally:
            con.close()
    say(f"\nReport: {index}\nWarehouse: {out / 'demo.duckdb'}  (try: beritawatch sql --db "
        f"{out / 'demo.duckdb'} \"SELECT url, kind, summary FROM edits\")")
    return 0
