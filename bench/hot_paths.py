"""Micro-benchmark of the hot paths the complexity splits touched: Fetcher.get, check_article,
fingerprint, extract_speakers and parse_feed. Prints the median and p90 time per call (no
targets: run it before and after a refactoring and compare; the machine may be shared).

Run: python bench/hot_paths.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import pathlib
import statistics
import sys
import time
from collections.abc import Callable

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beritawatch.check import DueArticle, check_article  # noqa: E402
from beritawatch.config import HttpSettings  # noqa: E402
from beritawatch.discovery.feeds import parse_feed  # noqa: E402
from beritawatch.discovery.model import Limits  # noqa: E402
from beritawatch.fetch import Fetcher  # noqa: E402
from beritawatch.sentences import extract_speakers, split_sentences  # noqa: E402
from beritawatch.stories.features import fingerprint  # noqa: E402
from beritawatch.testing.replica.render import page_urls, render  # noqa: E402
from beritawatch.testing.replica.site import DETIK_URL, tracked_articles  # noqa: E402

WHEN = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _feed(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Kabar nomor {i} dari Pyongyang</title>"
        f"<link>https://news.detik.com/internasional/d-{7100000 + i}/kabar-nomor-{i}</link>"
        f"<guid>https://news.detik.com/internasional/d-{7100000 + i}/kabar-nomor-{i}</guid>"
        f"<pubDate>Tue, 01 Dec 2026 0{i % 10}:00:00 +0700</pubDate></item>" for i in range(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Replika</title>'
            f"{entries}</channel></rss>").encode()


def _time(fn: Callable[[], object], calls: int) -> list[float]:
    out = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _transport() -> httpx.MockTransport:
    """Every tracked article's pages, in process: the timings are the client's and parser's own
    work, not the loopback server's (whose small writes add ~40 ms of delayed ACKs per answer)."""
    pages = {}
    for spec in tracked_articles():
        for url in page_urls(spec):
            pages[url] = (render(spec, url) or "").encode("utf-8")

    def answer(request: httpx.Request) -> httpx.Response:
        body = pages.get(str(request.url))
        if body is None:
            return httpx.Response(404, text="")
        return httpx.Response(200, stream=httpx.ByteStream(body), headers={"Content-Type": "text/html; charset=utf-8",
                                                           "ETag": '"v1"'})

    return httpx.MockTransport(answer)


async def _network(calls: int) -> tuple[list[float], list[float]]:
    settings = HttpSettings(min_delay_s=0.0, timeout_s=5.0, retries=0, obey_robots=False)
    gets, checks = [], []
    async with Fetcher(settings, transport=_transport()) as fetcher:
        for _ in range(calls):
            started = time.perf_counter()
            await fetcher.get(DETIK_URL)
            gets.append((time.perf_counter() - started) * 1000)
        for _ in range(calls):
            started = time.perf_counter()
            await check_article(fetcher, DueArticle(DETIK_URL, None))
            checks.append((time.perf_counter() - started) * 1000)
    return gets, checks


def _show(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    print(f"{name:28} median {statistics.median(ordered):8.3f} ms   p90 {p90:8.3f} ms   ({len(ordered)} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="repeat everything; the best round's median is shown")
    args = parser.parse_args()
    spec = tracked_articles()[0]
    body = tuple(spec.paragraphs) * 3
    sentences = [s for p in body for s in split_sentences(p)]
    feed = _feed(200)
    limits = Limits()
    best: dict[str, list[float]] = {}

    def keep(name: str, samples: list[float]) -> None:
        if name not in best or statistics.median(samples) < statistics.median(best[name]):
            best[name] = samples

    for _ in range(args.rounds):
        gets, checks = asyncio.run(_network(300))
        keep("Fetcher.get (in process)", gets)
        keep("check_article (in process)", checks)
        keep("fingerprint", _time(lambda: fingerprint(spec.url, "detik", WHEN, spec.title, body), 300))
        keep(f"extract_speakers x{len(sentences)}", _time(lambda: [extract_speakers(s) for s in sentences], 300))
        keep("parse_feed (200 items)", _time(lambda: parse_feed(feed, "application/rss+xml",
                                                               "https://news.detik.com/rss", limits), 40))
    for name, samples in best.items():
        _show(name, samples)


if __name__ == "__main__":
    main()
