"""The fetcher against the real loopback replica: routing, validators, and every failure as an outcome."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import http.server
import itertools
import socket
import threading
import time
import zlib
from collections.abc import Iterator

import pytest

from beritawatch import fetch
from beritawatch.config import HttpSettings
from beritawatch.fetch import Fetcher, FetchResult, parse_retry_after
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import DETIK_URL, REPUBLIKA_URL

OTHER = "https://news.detik.com/internasional/d-7000001/halaman-lain"


def settings(replica: Replica, **overrides: object) -> HttpSettings:
    base = HttpSettings(route=replica.route_map(["news.detik.com", "internasional.republika.co.id"]),
                        min_delay_s=0.0, timeout_s=3.0, retries=2, max_retry_wait_s=2.0,
                        max_bytes=2_000_000)
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


def get(replica: Replica, url: str, **kwargs: object) -> FetchResult:
    overrides = kwargs.pop("settings", {})

    async def run() -> FetchResult:
        async with Fetcher(settings(replica, **overrides)) as fetcher:  # type: ignore[arg-type]
            return await fetcher.get(url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(run())


def test_route_map_keeps_the_real_url_and_host_header(replica: Replica) -> None:
    result = get(replica, DETIK_URL)
    assert result.outcome == fetch.OK and result.status_code == 200
    assert b"detail__body-text" in (result.content or b"")
    assert result.final_url == DETIK_URL
    [request] = replica.requests_for(DETIK_URL)
    assert request.headers["Host"] == "news.detik.com"
    assert "beritawatch" in request.headers["User-Agent"]


def test_conditional_get_answers_not_modified(replica: Replica) -> None:
    first = get(replica, DETIK_URL)
    assert first.etag and first.last_modified
    again = get(replica, DETIK_URL, etag=first.etag, last_modified=first.last_modified)
    assert again.outcome == fetch.NOT_MODIFIED and again.content is None
    assert replica.requests_for(DETIK_URL)[-1].headers["If-None-Match"] == first.etag
    replica.edit(DETIK_URL, title="Judul yang sudah diubah")
    changed = get(replica, DETIK_URL, etag=first.etag, last_modified=first.last_modified)
    assert changed.outcome == fetch.OK and changed.etag != first.etag


def test_http_errors_are_outcomes_not_exceptions(replica: Replica) -> None:
    missing = get(replica, OTHER)
    assert (missing.outcome, missing.status_code) == (fetch.HTTP_ERROR, 404)
    replica.behave(DETIK_URL, status=410)
    gone = get(replica, DETIK_URL)
    assert (gone.outcome, gone.status_code) == (fetch.HTTP_ERROR, 410)


def test_redirects_are_followed_limited_and_recorded(replica: Replica) -> None:
    replica.behave(OTHER, redirect_to=DETIK_URL)
    moved = get(replica, OTHER)
    assert moved.outcome == fetch.OK and moved.redirects == (DETIK_URL,) and moved.final_url == DETIK_URL
    replica.behave(DETIK_URL, redirect_to=OTHER)
    loop = get(replica, OTHER)
    assert loop.outcome == fetch.REDIRECT_LOOP and "->" in (loop.error or "")


def test_server_errors_are_retried_then_succeed(replica: Replica) -> None:
    replica.behave(DETIK_URL, status=503, times=1)
    result = get(replica, DETIK_URL)
    assert result.outcome == fetch.OK and result.attempts == 2


def test_retry_after_is_honoured_and_long_ones_give_up(replica: Replica) -> None:
    replica.behave(DETIK_URL, status=429, retry_after="1", times=1)
    started = time.monotonic()
    result = get(replica, DETIK_URL)
    assert result.outcome == fetch.OK and time.monotonic() - started >= 0.9
    replica.behave(DETIK_URL, status=429, retry_after="3600")
    limited = get(replica, DETIK_URL)
    assert limited.outcome == fetch.RATE_LIMITED and limited.attempts == 1


def test_size_limit_catches_huge_bodies_and_gzip_bombs(replica: Replica) -> None:
    replica.behave(DETIK_URL, huge_mb=5)
    assert get(replica, DETIK_URL).outcome == fetch.TOO_LARGE
    replica.behave(DETIK_URL, gzip_bomb_mb=50)
    bomb = get(replica, DETIK_URL)
    assert bomb.outcome == fetch.TOO_LARGE and "decompression" in (bomb.error or "")


def test_slow_reset_and_truncated_answers(replica: Replica) -> None:
    replica.behave(DETIK_URL, delay_s=2.0)
    assert get(replica, DETIK_URL, settings={"timeout_s": 0.5, "retries": 0}).outcome == fetch.TIMEOUT
    replica.behave(DETIK_URL, reset=True)
    assert get(replica, DETIK_URL, settings={"retries": 0}).outcome in (fetch.CONNECTION_ERROR, fetch.TRUNCATED)
    replica.behave(DETIK_URL, truncate=True)
    assert get(replica, DETIK_URL, settings={"retries": 0}).outcome == fetch.TRUNCATED


def test_wrong_content_type_is_refused(replica: Replica) -> None:
    replica.behave(DETIK_URL, body=b"%PDF-1.4", content_type="application/pdf")
    result = get(replica, DETIK_URL)
    assert result.outcome == fetch.WRONG_CONTENT_TYPE and "application/pdf" in (result.error or "")


def test_robots_txt_is_obeyed(replica: Replica) -> None:
    replica.put("https://internasional.republika.co.id/robots.txt",
                "User-agent: *\nDisallow: /berita/\n", "text/plain")
    blocked = get(replica, REPUBLIKA_URL)
    assert blocked.outcome == fetch.ROBOTS_DISALLOWED
    assert not replica.requests_for(REPUBLIKA_URL)
    assert get(replica, REPUBLIKA_URL, settings={"obey_robots": False}).outcome == fetch.OK


def test_per_host_min_delay_spaces_requests(replica: Replica) -> None:
    async def run() -> list[FetchResult]:
        async with Fetcher(settings(replica, min_delay_s=0.3)) as fetcher:
            return list(await asyncio.gather(*(fetcher.get(DETIK_URL) for _ in range(3))))

    results = asyncio.run(run())
    assert all(r.ok for r in results)
    starts = sorted(r.at for r in replica.requests_for(DETIK_URL))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.25


@pytest.mark.parametrize(("value", "expected"), [("120", 120.0), ("", None), ("soon", None)])
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == pytest.approx(30.0)


# -- hostile answers, one at a time (the whole-flow version is tests/test_hostile.py) ---------------

def test_gzip_pages_are_inflated_and_a_bomb_is_stopped_at_the_limit(replica: Replica) -> None:
    replica.behave(DETIK_URL, gzip=True)
    plain = get(replica, DETIK_URL)
    assert plain.outcome == fetch.OK and b"detail__body-text" in (plain.content or b"")
    replica.behave(DETIK_URL, gzip_bomb_mb=50)
    bomb = get(replica, DETIK_URL, settings={"max_bytes": 100_000})
    assert bomb.outcome == fetch.TOO_LARGE and "100,000" in (bomb.error or "")


def test_inflater_output_is_bounded_per_chunk() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    chunk = packer.compress(bytes(20_000_000)) + packer.flush()  # ~20 KB that inflate to 20 MB
    inflater = fetch._Inflater("gzip", 200)
    assert len(inflater.feed(chunk, 1000)) <= 1002


def test_bad_content_encodings_are_named(replica: Replica) -> None:
    replica.behave(DETIK_URL, body=b"<html>not gzip at all</html>", headers={"Content-Encoding": "gzip"})
    corrupt = get(replica, DETIK_URL)
    assert corrupt.outcome == fetch.BAD_ENCODING and "gzip" in (corrupt.error or "")
    replica.behave(DETIK_URL, body=b"\x1b\x00", headers={"Content-Encoding": "br"})
    assert get(replica, DETIK_URL).outcome == fetch.BAD_ENCODING


def test_a_reset_is_a_connection_error_and_a_cut_body_is_truncated(replica: Replica) -> None:
    replica.behave(DETIK_URL, reset=True)
    reset = get(replica, DETIK_URL, settings={"retries": 1})
    assert reset.outcome == fetch.CONNECTION_ERROR and reset.attempts == 2
    replica.behave(DETIK_URL, truncate=True)
    cut = get(replica, DETIK_URL, settings={"retries": 0})
    assert cut.outcome == fetch.TRUNCATED and "bytes of the body" in (cut.error or "")


def test_slow_headers_and_a_drip_end_within_the_wall_clock_limit(replica: Replica) -> None:
    # Hostile delays far beyond the limit, so a loaded machine cannot blur the two cases: without
    # the limit this takes 20 s or more; with it about 1.5 s.
    replica.behave(DETIK_URL, stall_headers_s=20.0)
    started = time.monotonic()
    assert get(replica, DETIK_URL, settings={"timeout_s": 0.5, "retries": 0}).outcome == fetch.TIMEOUT
    replica.behave(DETIK_URL, drip_s=0.2)  # every read arrives in time; the whole never does
    dripped = get(replica, DETIK_URL, settings={"timeout_s": 0.5, "retries": 0})
    assert dripped.outcome == fetch.TIMEOUT and "1 s" in (dripped.error or "")
    assert time.monotonic() - started < 10.0


def test_hostile_robots_txt_is_bounded(replica: Replica) -> None:
    robots = "https://news.detik.com/robots.txt"
    replica.put(robots, "# komentar\n" * 2000 + "User-agent: *\nDisallow: /tertutup/\n", "text/plain")
    replica.behave(robots, drip_s=0.3)  # 22 KB in 256-byte drops: ~26 s in all; the limit ends it at ~1 s
    started = time.monotonic()
    slow = get(replica, DETIK_URL, settings={"timeout_s": 0.5})
    assert slow.outcome == fetch.ROBOTS_UNAVAILABLE and time.monotonic() - started < 10.0
    replica.behave(robots, huge_mb=20)  # cut at ROBOTS_MAX_BYTES, not refused and not held whole
    assert get(replica, DETIK_URL).outcome == fetch.OK
    replica.behave(robots, redirect_to="https://news.detik.com/robots.txt")
    assert get(replica, DETIK_URL).outcome == fetch.ROBOTS_UNAVAILABLE
    replica.behave(robots, status=429)
    assert get(replica, DETIK_URL).outcome == fetch.ROBOTS_UNAVAILABLE
    replica.behave(robots, status=404)
    assert get(replica, DETIK_URL).outcome == fetch.OK


def test_redirects_to_odd_places_are_bad_urls(replica: Replica) -> None:
    replica.behave(DETIK_URL, redirect_to="file:///etc/passwd")
    assert get(replica, DETIK_URL).outcome == fetch.BAD_URL
    replica.behave(DETIK_URL, redirect_to="mailto:redaksi@detik.com")
    assert get(replica, DETIK_URL).outcome == fetch.BAD_URL
    replica.behave(DETIK_URL, redirect_to="http://[::1")  # httpx refuses the header itself
    broken = get(replica, DETIK_URL, settings={"retries": 0})
    assert broken.outcome == fetch.CONNECTION_ERROR and "location" in (broken.error or "").lower()


def test_a_slow_host_queue_is_not_a_timeout(replica: Replica) -> None:
    # Waiting for the host's turn does not count against the request's own time limit.
    replica.behave(DETIK_URL, delay_s=0.4)

    async def run() -> list[FetchResult]:
        async with Fetcher(settings(replica, timeout_s=0.5, per_host_concurrency=1)) as fetcher:
            return list(await asyncio.gather(*(fetcher.get(DETIK_URL) for _ in range(4))))

    assert [r.outcome for r in asyncio.run(run())] == [fetch.OK] * 4


def test_a_cancelled_wait_gives_its_host_slot_back() -> None:
    async def run() -> bool:
        gate = fetch._HostGate(1, min_delay_s=0.5)
        async with gate:
            pass
        waiter = asyncio.ensure_future(gate.__aenter__())  # sleeps for the min delay, holding the slot
        await asyncio.sleep(0.05)
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
        await asyncio.wait_for(gate.__aenter__(), timeout=2.0)
        return True

    assert asyncio.run(run())


@pytest.mark.parametrize(("content_type", "codec"), [
    ("text/html; charset=UTF-8", "utf-8"), ('text/html; charset="iso-8859-1"', "cp1252"),
    ("text/html;charset=windows-1252", "cp1252"), ("text/html", None), ("text/html; charset=x-nonsense", None)])
def test_charset_from_the_content_type(content_type: str, codec: str | None) -> None:
    result = FetchResult("https://x.test/", dt.datetime.now(dt.UTC), fetch.OK, content_type=content_type)
    assert result.charset == codec


def test_an_unreachable_host_is_a_connection_error_not_a_robots_verdict(replica: Replica) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    route = {"news.detik.com": dead}
    down = get(replica, DETIK_URL, settings={"route": route, "retries": 0})
    assert down.outcome == fetch.CONNECTION_ERROR and "robots.txt" in (down.error or "")
    direct = get(replica, DETIK_URL, settings={"route": route, "retries": 0, "obey_robots": False})
    assert direct.outcome == fetch.CONNECTION_ERROR and "could not connect" in (direct.error or "")


def test_redirect_guard_refuses_targets_off_the_portals(replica: Replica) -> None:
    from beritawatch.discovery import AllowedHosts, rejection_reason

    allowed = AllowedHosts(["detik.com"])
    replica.behave(OTHER, redirect_to="http://169.254.169.254/latest/meta-data/")

    async def run() -> FetchResult:
        async with Fetcher(settings(replica), redirect_guard=lambda u: rejection_reason(u, allowed)) as fetcher:
            return await fetcher.get(OTHER)

    refused = asyncio.run(run())
    assert refused.outcome == fetch.REDIRECT_REFUSED and "169.254.169.254" in (refused.error or "")
    assert refused.redirects == ("http://169.254.169.254/latest/meta-data/",)


def test_a_url_that_is_not_http_is_refused_before_any_request(replica: Replica) -> None:
    for url in ("ftp://news.detik.com/berkas", "https:///tanpa-host", "mailto:redaksi@detik.com"):
        result = get(replica, url)
        assert result.outcome == fetch.BAD_URL and "not an http(s) URL" in (result.error or "")
    assert not [r for r in replica.requests if "berkas" in r.path]


def test_server_errors_that_outlast_the_retries_name_the_attempts_and_retry_after(replica: Replica) -> None:
    replica.behave(DETIK_URL, status=503, retry_after="0")
    result = get(replica, DETIK_URL)
    assert (result.outcome, result.status_code, result.attempts) == (fetch.HTTP_ERROR, 503, 3)
    assert result.error == "HTTP 503 after 3 attempts; Retry-After 0 s"
    assert len(replica.requests_for(DETIK_URL)) == 3


def test_a_declared_length_over_the_limit_is_refused_unread(replica: Replica) -> None:
    big = "https://news.detik.com/internasional/d-7000002/besar"
    replica.put(big, "<p>" + "x" * 3_000_000 + "</p>")
    result = get(replica, big)
    assert result.outcome == fetch.TOO_LARGE and (result.error or "").startswith("declared 3,000,007 bytes")


def test_a_long_robots_txt_is_cut_not_refused_and_its_rules_still_apply(replica: Replica) -> None:
    robots = "https://news.detik.com/robots.txt"
    replica.put(robots, "User-agent: *\nDisallow: /internasional/\n" + "# catatan\n" * 80_000, "text/plain")
    result = get(replica, DETIK_URL)
    assert result.outcome == fetch.ROBOTS_DISALLOWED


def test_a_conditional_get_sends_both_validators(replica: Replica) -> None:
    get(replica, DETIK_URL, etag='"abc"', last_modified="Tue, 01 Dec 2026 01:00:00 GMT")
    sent = replica.requests_for(DETIK_URL)[-1].headers
    assert sent.get("If-None-Match") == '"abc"' and sent.get("If-Modified-Since") == "Tue, 01 Dec 2026 01:00:00 GMT"


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive: /same answers 304, /gone a short 404 page, /huge-error a 404 page
    longer than the fetcher drains, /slow-error a short 404 page whose body comes after the client's
    time limit; the server counts the connections it accepted."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1  # type: ignore[attr-defined]

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        if self.path == "/same":
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        body = b"<p>tidak ada</p>" * (20_000 if self.path == "/huge-error" else 1)
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == "/slow-error":
            self.wfile.flush()
            time.sleep(3.5)
        with contextlib.suppress(OSError):  # the client may have given up on the body
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _counting_server() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    server.connections = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_answers_without_a_wanted_body_keep_their_connection() -> None:
    """304s and short error pages are read to their end, so the next request reuses the connection
    (unread, httpcore closed it: a warm pass opened a connection, on https a TLS session, per 304)."""
    with _counting_server() as server:
        http_settings = HttpSettings(route={"portal.test": f"http://127.0.0.1:{server.server_port}"},
                                     min_delay_s=0.0, timeout_s=3.0, retries=0, obey_robots=False)

        async def run(paths: list[str]) -> list[FetchResult]:
            async with Fetcher(http_settings) as fetcher:
                return [await fetcher.get(f"https://portal.test{path}", etag='"v1"') for path in paths]

        results = asyncio.run(run(["/same"] * 5 + ["/gone"] * 3))
        assert [r.outcome for r in results] == [fetch.NOT_MODIFIED] * 5 + [fetch.HTTP_ERROR] * 3
        assert server.connections == 1  # type: ignore[attr-defined]
        huge = asyncio.run(run(["/huge-error", "/same"]))
        assert [r.outcome for r in huge] == [fetch.HTTP_ERROR, fetch.NOT_MODIFIED]
        assert server.connections == 3  # type: ignore[attr-defined]  # a body over the drain limit: not read, closed
        # a body that does not come in time is not waited for: the answer stays a 404, not a timeout
        slow = asyncio.run(run(["/slow-error"]))
        assert [(r.outcome, r.status_code) for r in slow] == [(fetch.HTTP_ERROR, 404)]
