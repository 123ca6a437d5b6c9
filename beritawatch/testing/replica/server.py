"""The replica HTTP server: serves portal pages by Host header and misbehaves on request.

One server answers for every portal host (the route map sends each host to it). Between passes a
test can edit an article, remove it, or make a URL slow, failing, redirecting or hostile.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email.utils
import functools
import gzip
import hashlib
import http.server
import socket
import sys
import threading
import time
import zlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from beritawatch.testing.replica.render import ArticleSpec, page_urls, render

HTML = "text/html; charset=utf-8"


@dataclasses.dataclass
class Behavior:
    """How the replica misbehaves for one URL (all fields optional)."""

    status: int | None = None  # answer with this status instead of the page
    times: int | None = None  # misbehave for the next N requests only (None: until cleared)
    retry_after: str | None = None  # Retry-After header value
    redirect_to: str | None = None  # real URL for the Location header (status defaults to 301)
    delay_s: float = 0.0  # wait before answering
    drip_s: float = 0.0  # send the body one small chunk at a time, this long between chunks
    reset: bool = False  # close the connection without any answer
    truncate: bool = False  # declare a Content-Length larger than what is sent
    gzip_bomb_mb: int = 0  # a gzip body that inflates to this many MB
    huge_mb: int = 0  # a body this many MB long
    content_type: str | None = None  # override the Content-Type
    body: bytes | None = None  # serve this instead of the article
    validators: bool = True  # send ETag/Last-Modified and answer conditional requests
    stall_headers_s: float = 0.0  # send the status line and one header, then wait this long
    gzip: bool = False  # send the normal answer gzip-compressed (Content-Encoding: gzip)
    headers: dict[str, str] | None = None  # extra response headers (e.g. a bogus Content-Encoding)
    hold: threading.Event | None = None  # answer only once this is set (at most 120 s): a test picks the moment


@dataclasses.dataclass(frozen=True)
class RequestRecord:
    host: str
    path: str
    headers: dict[str, str]
    at: float


@dataclasses.dataclass
class _Resource:
    body: bytes
    content_type: str
    modified: dt.datetime


def _key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


class Replica:
    """A threaded HTTP server on 127.0.0.1 serving articles and static resources by real URL."""

    def __init__(self, port: int = 0) -> None:
        self._lock = threading.RLock()
        self._articles: dict[str, ArticleSpec] = {}  # canonical url -> spec
        self._pages: dict[str, tuple[str, str]] = {}  # key -> (canonical url, page url)
        self._modified: dict[str, dt.datetime] = {}  # canonical url -> last edit time
        self._static: dict[str, _Resource] = {}
        self._behaviors: dict[str, Behavior] = {}
        self.requests: list[RequestRecord] = []
        self.record_requests = True
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.replica = self
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def start(self) -> Replica:
        self._thread = threading.Thread(target=self._server.serve_forever, name="replica",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> Replica:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def route_map(self, hosts: Iterable[str] | None = None) -> dict[str, str]:
        """host -> this server's origin, for every host it serves (or the given ones)."""
        with self._lock:
            known = {urlsplit(url).hostname or "" for url in [*self._articles, *self._static_urls()]}
        return {host: self.origin for host in (hosts if hosts is not None else known) if host}

    def route_env(self) -> str:
        """The route map as a `BERITAWATCH_ROUTE` value."""
        return ",".join(f"{host}={origin}" for host, origin in sorted(self.route_map().items()))

    # -- content ---------------------------------------------------------------------------
    def add_article(self, spec: ArticleSpec, modified: dt.datetime | None = None) -> None:
        with self._lock:
            self._remove_pages(spec.url)
            self._articles[spec.url] = spec
            self._modified[spec.url] = modified or dt.datetime.now(dt.UTC)
            for page_url in page_urls(spec):
                self._pages[_key(page_url)] = (spec.url, page_url)

    def article(self, url: str) -> ArticleSpec:
        with self._lock:
            return self._articles[url]

    def edit(self, url: str, **changes: Any) -> ArticleSpec:
        """Change fields of an article (title=..., paragraphs=[...], ...); validators change too."""
        with self._lock:
            spec = dataclasses.replace(self._articles[url], **changes)
            self.add_article(spec)
            return spec

    def delete(self, url: str) -> None:
        """Forget an article entirely: its URLs answer 404 from now on."""
        with self._lock:
            self._remove_pages(url)
            self._articles.pop(url, None)

    def _remove_pages(self, url: str) -> None:
        for key in [k for k, (canonical, _) in self._pages.items() if canonical == url]:
            del self._pages[key]

    def put(self, url: str, body: str | bytes, content_type: str = HTML) -> None:
        """Serve a static resource (a feed, robots.txt, an index page) at a real URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self._static[_key(url)] = _Resource(data, content_type, dt.datetime.now(dt.UTC))

    def _static_urls(self) -> list[str]:
        return [f"http://{key}" for key in self._static]

    def behave(self, url: str, behavior: Behavior | None = None, **fields: Any) -> None:
        """Make one URL misbehave (`behave(url, status=404)`); `behave(url, None)` clears it."""
        with self._lock:
            if behavior is None and not fields:
                self._behaviors.pop(_key(url), None)
            else:
                self._behaviors[_key(url)] = behavior or Behavior(**fields)

    def requests_for(self, url: str) -> list[RequestRecord]:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        with self._lock:
            return [r for r in self.requests if r.host == parts.netloc and r.path == path]

    # -- answering -------------------------------------------------------------------------
    def _resolve(self, host: str, path: str) -> tuple[Behavior | None, _Resource | None]:
        key = f"{host.lower()}{path}"
        with self._lock:
            behavior = self._behaviors.get(key)
            times = behavior.times if behavior is not None else None
            if behavior is not None and times is not None:
                if times <= 0:
                    del self._behaviors[key]
                    behavior = None
                else:
                    behavior.times = times - 1
            if key in self._static:
                return behavior, self._static[key]
            page = self._pages.get(key)
            if page is None:
                return behavior, None
            canonical, page_url = page
            spec = self._articles[canonical]
            modified = self._modified[canonical]
        html = render(spec, page_url)
        if html is None:
            return behavior, None
        return behavior, _Resource(html.encode("utf-8"), HTML, modified)


@functools.lru_cache(maxsize=4)
def _gzip_bomb(megabytes: int) -> bytes:
    """A gzip stream of `megabytes` MB of zeros, built without holding the inflated data."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1_000_000)
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    replica: Replica

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout, size limit, kill -9) is routine here, not a server bug.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        replica = self.server.replica
        host = self.headers.get("Host", "")
        if replica.record_requests:
            record = RequestRecord(host, self.path, dict(self.headers.items()), time.time())
            with replica._lock:
                replica.requests.append(record)
        behavior, resource = replica._resolve(host, self.path)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(behavior, resource)

    def _answer(self, behavior: Behavior | None, resource: _Resource | None) -> None:
        b = behavior or Behavior()
        if b.delay_s:
            time.sleep(b.delay_s)
        if b.hold is not None:
            b.hold.wait(timeout=120)
        if self._misbehave(b):
            return
        if resource is None:
            self._send(404, b"<html><body><h1>Halaman tidak ditemukan</h1></body></html>", HTML, {})
            return
        self._send_resource(b, resource)

    def _misbehave(self, b: Behavior) -> bool:
        """Answer as `b` asks instead of with the resource; False when it asks for nothing of the kind."""
        if b.stall_headers_s:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            self.wfile.flush()
            time.sleep(b.stall_headers_s)
            self.close_connection = True
        elif b.reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.close_connection = True
            self.connection.close()
        elif b.redirect_to:
            self._send(b.status or 301, b"", HTML, {"Location": b.redirect_to})
        elif b.status:
            extra = {"Retry-After": b.retry_after} if b.retry_after else {}
            body = b.body if b.body is not None else f"<html><body><h1>{b.status}</h1></body></html>".encode()
            self._send(b.status, body, b.content_type or HTML, extra)
        elif b.gzip_bomb_mb:
            self._send(200, _gzip_bomb(b.gzip_bomb_mb), HTML, {"Content-Encoding": "gzip"})
        elif b.huge_mb:
            self._send_huge(b.huge_mb)
        elif b.body is not None:
            self._send(200, b.body, b.content_type or HTML, dict(b.headers or {}))
        else:
            return False
        return True

    def _send_resource(self, b: Behavior, resource: _Resource) -> None:
        """The resource itself: with validators (and a 304 when they match), cut, dripped or gzipped as `b` asks."""
        headers: dict[str, str] = {}
        if b.validators:
            etag = '"' + hashlib.blake2b(resource.body, digest_size=8).hexdigest() + '"'
            last_modified = email.utils.format_datetime(resource.modified.astimezone(dt.UTC),
                                                        usegmt=True)
            headers = {"ETag": etag, "Last-Modified": last_modified}
            if self._not_modified(etag, resource.modified):
                self._send(304, b"", None, headers)
                return
        content_type = b.content_type or resource.content_type
        if b.truncate:
            self._send(200, resource.body[: len(resource.body) // 2], content_type,
                       headers, declared_length=len(resource.body))
            self.close_connection = True
            return
        if b.drip_s:
            self._send_drip(resource.body, b.drip_s, content_type)
            return
        body = resource.body
        headers.update(b.headers or {})
        if b.gzip:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self._send(200, body, content_type, headers)

    def _not_modified(self, etag: str, modified: dt.datetime) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return modified.replace(microsecond=0) <= when
        return False

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str],
              declared_length: int | None = None) -> None:
        self.send_response(status)
        if content_type and status != 304:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(declared_length if declared_length is not None else len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def _send_huge(self, megabytes: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Transfer-Encoding", "chunked")  # no Content-Length: the client must count
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_530 + b"</p>"
        for _ in range(megabytes * 1_000_000 // len(chunk)):
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def _send_drip(self, body: bytes, pause_s: float, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for start in range(0, len(body), 256):
            self.wfile.write(body[start:start + 256])
            self.wfile.flush()
            time.sleep(pause_s)
