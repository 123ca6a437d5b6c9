"""A multi-page article on a host without a portal parser is fetched whole: the check follows the
next page the generic fallback reports (same host only), against a real local HTTP server."""
from __future__ import annotations

import asyncio
import json
import pathlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from beritawatch.check import PARSED, CheckResult, DueArticle, check_article
from beritawatch.config import HttpSettings
from beritawatch.fetch import Fetcher

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "parsers" / "generic"
URL = "https://warta.contoh.id/internasional/2025/06/10/kapal-kargo-rusia-terlacak"
PAGES = {
    "/internasional/2025/06/10/kapal-kargo-rusia-terlacak": "multipage-rules-1.html",
    "/internasional/2025/06/10/kapal-kargo-rusia-terlacak?page=2": "multipage-rules-2.html",
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        name = PAGES.get(self.path)
        if name is None:
            self.send_response(404)
            self.end_headers()
            return
        body = (FIXTURES / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _check(origin: str) -> CheckResult:
    settings = HttpSettings(route={"warta.contoh.id": origin}, min_delay_s=0.0, timeout_s=3.0, retries=0)

    async def run() -> CheckResult:
        async with Fetcher(settings) as fetcher:
            return await check_article(fetcher, DueArticle(URL, None))

    return asyncio.run(run())


def test_generic_article_is_fetched_with_its_next_page(origin: str) -> None:
    result = _check(origin)
    assert result.outcome == PARSED, result.error
    assert result.article is not None and result.article.fallback
    assert [url for url, _ in result.pages] == [URL, URL + "?page=2"]
    merged = json.loads((FIXTURES / "multipage-rules.merged.json").read_text(encoding="utf-8"))["expected"]
    assert list(result.article.body) == merged["body"]
    assert result.article.url == URL
