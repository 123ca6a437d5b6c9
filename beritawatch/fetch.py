"""Polite, bounded HTTP fetching: route map, per-host limits, robots.txt, conditional GET, retries.

Every request ends as a `FetchResult` whose `outcome` names what happened; nothing raises out of
`Fetcher.get`, so one broken URL can never fail a pass.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import email.utils
import functools
import re
import ssl
import time
import zlib
from collections.abc import Callable, Mapping
from urllib.parse import urljoin, urlsplit

import httpx
import stamina
from protego import Protego

from beritawatch.config import HttpSettings
from parsers.decode import charset_codec

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("xml", "rss", "atom", "json", "text/plain", *HTML_TYPES)

# Outcome names, recorded in the warehouse and shown in pass summaries.
OK = "ok"
NOT_MODIFIED = "not_modified"
HTTP_ERROR = "http_error"
RATE_LIMITED = "rate_limited"
TIMEOUT = "timeout"
CONNECTION_ERROR = "connection_error"
TRUNCATED = "truncated"
TOO_LARGE = "too_large"
REDIRECT_LOOP = "redirect_loop"
TOO_MANY_REDIRECTS = "too_many_redirects"
WRONG_CONTENT_TYPE = "wrong_content_type"
ROBOTS_DISALLOWED = "robots_disallowed"
ROBOTS_UNAVAILABLE = "robots_unavailable"
BAD_URL = "bad_url"
REDIRECT_REFUSED = "redirect_refused"  # a redirect off the configured portals (or to an internal address)
BAD_ENCODING = "bad_encoding"  # a Content-Encoding we did not ask for, or a corrupt compressed body
FETCH_ERROR = "fetch_error"  # anything unexpected: named, never raised

ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks crawlers to read at least 500 KiB; the rest is ignored
DRAIN_MAX_BYTES = 64_000  # an unwanted body up to this long is read to keep its connection (`_drain`)
DRAIN_MAX_S = 1.0  # ... and only this long: a slow error page must not turn its 404 into a timeout
ACCEPT_ENCODING = "gzip, deflate"  # only codings we can inflate with a bounded output
_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{1,40})""", re.I)


@dataclasses.dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET (with its retries and redirects) ended as."""

    url: str
    requested_at: dt.datetime
    outcome: str
    status_code: int | None = None
    elapsed_ms: float = 0.0
    content: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    error: str | None = None
    attempts: int = 1
    released_size: int | None = None  # body length once `content` was released to save memory

    @property
    def ok(self) -> bool:
        return self.outcome == OK

    @property
    def size(self) -> int:
        if self.content is not None:
            return len(self.content)
        return self.released_size or 0

    def released(self) -> FetchResult:
        """The same record without the body (kept: its length)."""
        if self.content is None:
            return self
        return dataclasses.replace(self, content=None, released_size=len(self.content))

    @property
    def charset(self) -> str | None:
        """The codec the Content-Type header names (None when it names none, or an unknown one)."""
        match = _CHARSET.search(self.content_type or "")
        return charset_codec(match.group(1)) if match else None


class RoutedTransport(httpx.AsyncBaseTransport):
    """Sends requests for routed hosts to another origin, keeping the original Host header."""

    def __init__(self, routes: Mapping[str, str], inner: httpx.AsyncBaseTransport) -> None:
        self._routes = {host.lower(): httpx.URL(origin) for host, origin in routes.items()}
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = self._routes.get(request.url.host.lower())
        if origin is not None:
            # httpx already set Host from the original URL; only the connection target moves.
            request.url = request.url.copy_with(scheme=origin.scheme, host=origin.host,
                                                port=origin.port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class _HostGate:
    """Per-host concurrency limit and minimum delay between request starts."""

    def __init__(self, concurrency: int, min_delay_s: float) -> None:
        self._semaphore = asyncio.Semaphore(concurrency)
        self._min_delay_s = min_delay_s
        self._lock = asyncio.Lock()
        self._next_start = 0.0

    async def __aenter__(self) -> None:
        await self._semaphore.acquire()
        try:
            async with self._lock:
                wait = self._next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = time.monotonic() + self._min_delay_s
        except BaseException:
            # Cancelled while waiting its turn: __aexit__ will not run, so give the slot back here
            # (a leaked slot would stall every later request to this host).
            self._semaphore.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._semaphore.release()


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response, retry_after: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = retry_after


class _BodyCut(Exception):
    """The connection ended after the headers but before the whole body (retryable)."""

    def __init__(self, received: int, cause: Exception) -> None:
        super().__init__(f"connection closed after {received:,} bytes of the body "
                         f"({type(cause).__name__}: {cause})")


class _Abort(Exception):
    """A final outcome reached inside the request (too large, bad type, ...)."""

    def __init__(self, outcome: str, error: str, status_code: int | None = None) -> None:
        super().__init__(error)
        self.outcome = outcome
        self.error = error
        self.status_code = status_code


class _Inflater:
    """Undoes the response's Content-Encoding with a bounded output per chunk.

    zlib's plain `decompress` inflates a 64 KB network read of a gzip bomb to ~65 MB before any
    size check can run; `max_length` keeps each step at most one byte past the size limit.
    """

    def __init__(self, encoding: str, status: int) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip().lower() not in ("", "identity")]
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise _Abort(BAD_ENCODING, f"Content-Encoding {coding!r} was not asked for", status)
        self._status = status
        self._order = list(reversed(codings))  # decode in reverse order of application
        self._stages = [zlib.decompressobj(zlib.MAX_WBITS | 16 if c != "deflate" else zlib.MAX_WBITS)
                        for c in self._order]
        self._started = [False] * len(self._order)

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode one raw chunk into at most `room + 1` bytes (one more means too large)."""
        for i, coding in enumerate(self._order):
            if not data:
                return b""
            try:
                out = self._stages[i].decompress(data, room + 1)
            except zlib.error as exc:
                if coding != "deflate" or self._started[i]:
                    raise _Abort(BAD_ENCODING, f"corrupt {coding} body: {exc}", self._status) from None
                # "deflate" servers send raw DEFLATE about as often as the zlib format the RFC names.
                self._stages[i] = zlib.decompressobj(-zlib.MAX_WBITS)
                try:
                    out = self._stages[i].decompress(data, room + 1)
                except zlib.error as again:
                    raise _Abort(BAD_ENCODING, f"corrupt deflate body: {again}", self._status) from None
            self._started[i] = True
            if self._stages[i].unconsumed_tail:  # this stage alone would exceed the limit
                return out + b"\0"
            data = out
        return data

    def finish(self) -> None:
        """Raise when a compressed body ended before its end marker."""
        for coding, stage in zip(self._order, self._stages, strict=True):
            if not stage.eof:
                raise _Abort(TRUNCATED, f"the {coding} body ended before its end (cut short)", self._status)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One certificate store per process, shared by its clients (thread-safe): each client loaded
    the CA bundle again, ~25 ms of CPU holding the GIL, per portal per pass."""
    return httpx.create_ssl_context()


class Fetcher:
    """An async HTTP client for one pass. Use as `async with Fetcher(settings) as fetcher:`."""

    def __init__(self, settings: HttpSettings, *, transport: httpx.AsyncBaseTransport | None = None,
                 redirect_guard: Callable[[str], str | None] | None = None) -> None:
        """`redirect_guard(url)` returns why a redirect target must not be followed (or None):
        the pass uses it to keep redirects on the configured portals, never internal addresses."""
        self.settings = settings
        self._redirect_guard = redirect_guard
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        inner = transport or httpx.AsyncHTTPTransport(limits=limits, verify=_tls_context())
        self._client = httpx.AsyncClient(
            transport=RoutedTransport(settings.route, inner),
            timeout=httpx.Timeout(settings.timeout_s),
            follow_redirects=False,
            headers={"User-Agent": settings.effective_user_agent,
                     "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                     "Accept-Language": "id,en;q=0.8",
                     "Accept-Encoding": ACCEPT_ENCODING},
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, Protego | tuple[str, str]] = {}  # origin -> rules, or (outcome, why not)
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(self.settings.per_host_concurrency,
                                                 self.settings.min_delay_s)
        return gate

    @property
    def _hop_timeout_s(self) -> float:
        # httpx's timeout is per read: a server dripping a byte a second never trips it.
        return self.settings.timeout_s * 2

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                  accept: tuple[str, ...] = HTML_TYPES) -> FetchResult:
        """GET `url` politely; every failure becomes an outcome, never an exception."""
        started = time.perf_counter()
        requested_at = dt.datetime.now(dt.UTC)
        tries = _Tries()
        try:
            refused = await self._refusal(url, requested_at, started)
            if refused is not None:
                return refused
            response, body = await self._with_retries(url, _validators(etag, last_modified), accept, tries)
        except Exception as exc:  # the contract: one URL never fails a pass (each kind is named)
            return self._failure(exc, url, requested_at, started, tries)
        return self._answered(url, requested_at, started, response, body, tries)

    async def _refusal(self, url: str, requested_at: dt.datetime, started: float) -> FetchResult | None:
        """The result for a URL that must not be requested at all (not http(s), or robots.txt says no)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return FetchResult(url, requested_at, BAD_URL, error=f"not an http(s) URL: {url!r}")
        if self.settings.obey_robots:
            verdict = await self.robots_verdict(url)
            if verdict is not None:
                outcome, error = verdict
                return FetchResult(url, requested_at, outcome, error=error, elapsed_ms=_ms(started))
        return None

    async def _with_retries(self, url: str, headers: dict[str, str], accept: tuple[str, ...],
                            tries: _Tries) -> tuple[httpx.Response, bytes | None]:
        """`_get_following` with retries on 429/5xx and broken connections (see `_retry_hook`)."""
        for attempt in stamina.retry_context(
            on=self._retry_hook, attempts=self.settings.retries + 1,
            timeout=self._hop_timeout_s * (self.settings.retries + 1) + self.settings.max_retry_wait_s,
            wait_initial=0.5, wait_max=self.settings.max_retry_wait_s, wait_jitter=0.5,
        ):
            with attempt:
                tries.count += 1
                tries.redirects.clear()
                response, body = await self._get_following(url, headers, accept, tries.redirects)
        return response, body

    def _failure(self, exc: Exception, url: str, requested_at: dt.datetime, started: float,
                 tries: _Tries) -> FetchResult:
        """The named outcome of an exception raised while fetching `url`."""
        if isinstance(exc, _RetryableStatus):
            response = exc.response
            outcome = RATE_LIMITED if response.status_code == 429 else HTTP_ERROR
            wait = "" if exc.retry_after is None else f"; Retry-After {exc.retry_after:g} s"
            return self._result(url, requested_at, started, outcome, response, None, tuple(tries.redirects),
                                tries.count, error=f"HTTP {response.status_code} after {tries.count} attempts{wait}")
        failed = functools.partial(FetchResult, url, requested_at, elapsed_ms=_ms(started), attempts=tries.count,
                                   redirects=tuple(tries.redirects))
        if isinstance(exc, _Abort):
            return failed(exc.outcome, status_code=exc.status_code, error=exc.error)
        if isinstance(exc, _BodyCut):
            return failed(TRUNCATED, error=str(exc))
        if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
            return failed(TIMEOUT, error=f"no complete answer within {self._hop_timeout_s:g} s "
                                         f"({type(exc).__name__}; per-read limit {self.settings.timeout_s:g} s)")
        if isinstance(exc, httpx.RemoteProtocolError):
            return failed(CONNECTION_ERROR, error=f"no valid answer (connection closed or broken response): {exc}")
        if isinstance(exc, (httpx.TransportError, OSError)):
            return failed(CONNECTION_ERROR, error=_connection_error(exc))
        if isinstance(exc, httpx.InvalidURL):
            return failed(BAD_URL, error=f"invalid URL: {exc}")
        return failed(FETCH_ERROR, error=f"unexpected {type(exc).__name__}: {exc}")

    def _answered(self, url: str, requested_at: dt.datetime, started: float, response: httpx.Response,
                  body: bytes | None, tries: _Tries) -> FetchResult:
        """The result of a final answer: not modified, an HTTP error, or the page."""
        redirects = tuple(tries.redirects)
        if response.status_code == 304:
            return self._result(url, requested_at, started, NOT_MODIFIED, response, None, redirects, tries.count)
        if response.status_code >= 400:
            return self._result(url, requested_at, started, HTTP_ERROR, response, None, redirects, tries.count,
                                error=f"HTTP {response.status_code}")
        return self._result(url, requested_at, started, OK, response, body, redirects, tries.count)

    def _result(self, url: str, requested_at: dt.datetime, started: float, outcome: str,
                response: httpx.Response, body: bytes | None, redirects: tuple[str, ...],
                attempts: int, error: str | None = None) -> FetchResult:
        return FetchResult(
            url=url, requested_at=requested_at, outcome=outcome, status_code=response.status_code,
            elapsed_ms=_ms(started), content=body,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
            final_url=str(response.request.extensions.get("beritawatch_url", url)),
            redirects=redirects, error=error, attempts=attempts,
        )

    def _retry_hook(self, exc: Exception) -> bool | float:
        if isinstance(exc, _RetryableStatus):
            if exc.retry_after is not None:
                if exc.retry_after > self.settings.max_retry_wait_s:
                    return False  # the site asks for longer than a pass may wait: give up for now
                return exc.retry_after
            return True
        return isinstance(exc, (_BodyCut, httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError))

    async def _get_following(self, url: str, headers: dict[str, str], accept: tuple[str, ...],
                             chain: list[str]) -> tuple[httpx.Response, bytes | None]:
        """Follow redirects by hand (each hop polite and checked); `chain` collects the targets."""
        seen = {url}
        current = url
        while True:
            host = urlsplit(current).hostname or ""
            async with self._gate(host):
                # The wall-clock limit covers the request only, not the wait for the host's turn.
                response, body = await asyncio.wait_for(self._get_once(current, headers, accept),
                                                        timeout=self._hop_timeout_s)
            if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                location = response.headers["location"].strip()
                try:
                    target = urljoin(current, location)
                    parts = urlsplit(target)
                except ValueError:
                    raise _Abort(BAD_URL, f"redirect to an invalid URL: {location[:200]!r}",
                                 response.status_code) from None
                chain.append(target)
                if parts.scheme not in ("http", "https") or not parts.hostname:
                    raise _Abort(BAD_URL, f"redirect to a non-http(s) URL: {target[:200]!r}",
                                 response.status_code)
                refused = self._redirect_guard(target) if self._redirect_guard else None
                if refused:
                    raise _Abort(REDIRECT_REFUSED, f"redirect to {target[:200]} refused: {refused}",
                                 response.status_code)
                if target in seen:
                    raise _Abort(REDIRECT_LOOP, f"redirect loop: {' -> '.join([url, *chain])}",
                                 response.status_code)
                if len(chain) > self.settings.max_redirects:
                    raise _Abort(TOO_MANY_REDIRECTS,
                                 f"more than {self.settings.max_redirects} redirects", response.status_code)
                if self.settings.obey_robots:
                    verdict = await self.robots_verdict(target)
                    if verdict is not None:
                        raise _Abort(verdict[0], f"redirect target {target}: {verdict[1]}")
                seen.add(target)
                current = target
                continue
            response.request.extensions["beritawatch_url"] = current
            return response, body

    async def _get_once(self, url: str, headers: dict[str, str], accept: tuple[str, ...] | None,
                        *, limit: int | None = None, robots: bool = False) -> tuple[httpx.Response, bytes | None]:
        """One request; the body is read (bounded, decoded) only for a 2xx of an accepted type.

        For robots.txt (`robots=True`) no status is retried and an over-long body is cut at
        `limit` instead of refused.
        """
        limit = self.settings.max_bytes if limit is None else limit
        async with self._client.stream("GET", url, headers=headers) as response:
            if not _wants_body(response, accept, limit, robots):
                await _drain(response)
                return response, None
            return response, await _read_body(response, limit, robots)

    async def robots_verdict(self, url: str) -> tuple[str, str] | None:
        """None when robots.txt lets our User-Agent fetch `url`, else (outcome, reason).

        robots.txt is fetched once per origin per pass. RFC 9309: a 4xx answer means no rules;
        a 5xx answer or no answer means assume everything is disallowed (outcome
        robots_unavailable, so a network failure is not mistaken for a ban).
        """
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._robots:
                self._robots[key] = await self._load_robots(key)
        rules = self._robots[key]
        if isinstance(rules, tuple):
            return rules
        if not rules.can_fetch(url, self.settings.effective_user_agent.split("/")[0]):
            return ROBOTS_DISALLOWED, "robots.txt disallows this URL for our User-Agent"
        return None

    async def _load_robots(self, origin: str) -> Protego | tuple[str, str]:
        """Fetch and parse one origin's robots.txt, bounded like any page (size, time, redirects).

        A host that cannot be reached at all is a connection_error (the site is down, not
        robots.txt); any other failure to read it is robots_unavailable.
        """
        url = f"{origin}/robots.txt"
        refuse = "; not fetching the site"
        try:
            for _ in range(6):  # RFC 9309: follow at least five redirects
                async with self._gate(urlsplit(url).hostname or ""):
                    response, body = await asyncio.wait_for(
                        self._robots_once(url), timeout=self._hop_timeout_s)
                location = response.headers.get("location")
                if response.status_code in (301, 302, 303, 307, 308) and location:
                    url = urljoin(url, location.strip())
                    if urlsplit(url).scheme not in ("http", "https"):
                        return ROBOTS_UNAVAILABLE, f"robots.txt redirects to {url[:200]!r}{refuse}"
                    continue
                break
            else:
                return ROBOTS_UNAVAILABLE, f"robots.txt redirects too many times{refuse}"
        except (TimeoutError, httpx.TimeoutException):
            return ROBOTS_UNAVAILABLE, f"robots.txt gave no complete answer within {self._hop_timeout_s:g} s{refuse}"
        except httpx.ConnectError as exc:
            return CONNECTION_ERROR, f"{_connection_error(exc)} (fetching robots.txt)"
        except _Abort as exc:
            return ROBOTS_UNAVAILABLE, f"robots.txt unreadable ({exc.error}){refuse}"
        except Exception as exc:  # noqa: BLE001 - any failure means "no answer" under RFC 9309
            return ROBOTS_UNAVAILABLE, f"robots.txt could not be fetched ({type(exc).__name__}: {exc}){refuse}"
        if response.status_code >= 500 or response.status_code == 429:
            # 429 is a 4xx, but "slow down" is no licence to crawl (Google reads it as a 5xx too).
            return ROBOTS_UNAVAILABLE, f"robots.txt answered HTTP {response.status_code}{refuse}"
        if response.status_code >= 300 or body is None:
            return Protego.parse("")
        return Protego.parse(body.decode("utf-8", "replace"))

    async def _robots_once(self, url: str) -> tuple[httpx.Response, bytes | None]:
        return await self._get_once(url, {}, None, limit=ROBOTS_MAX_BYTES, robots=True)


@dataclasses.dataclass
class _Tries:
    """What the attempts at one URL have done so far (kept when one of them raises)."""

    count: int = 0
    redirects: list[str] = dataclasses.field(default_factory=list)


def _validators(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The conditional-GET headers for the stored validators."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _wants_body(response: httpx.Response, accept: tuple[str, ...] | None, limit: int, robots: bool) -> bool:
    """Whether to read this answer's body; raises for a retryable status, a type we do not read or
    a declared length over the limit (robots.txt: no retries, and a long one is cut, not refused)."""
    status = response.status_code
    if not robots and (status == 429 or status >= 500):
        raise _RetryableStatus(response, parse_retry_after(response.headers.get("retry-after")))
    if status >= 300:
        return False
    ctype = response.headers.get("content-type", "").lower()
    if accept is not None and ctype and not any(kind in ctype for kind in accept):
        raise _Abort(WRONG_CONTENT_TYPE, f"content type {ctype!r} is not one we read", status)
    declared = response.headers.get("content-length", "").strip()
    if not robots and declared.isdigit() and int(declared) > limit:
        raise _Abort(TOO_LARGE, f"declared {int(declared):,} bytes, limit {limit:,}", status)
    return True


async def _drain(response: httpx.Response) -> None:
    """Read the rest of an answer whose body is not wanted (a 304, a redirect, an error page), so
    its connection goes back to the pool: httpcore closes a connection whose answer was left
    unread, and a warm pass of 304s then opened a new connection (and on https a new TLS session)
    for every request. Only a short body, arriving quickly, is read; otherwise the connection is
    closed, and the answer (its status) is what it would have been without the drain."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > DRAIN_MAX_BYTES:
        return
    received = 0
    try:
        async with asyncio.timeout(DRAIN_MAX_S):
            async for raw in response.aiter_raw():
                received += len(raw)
                if received > DRAIN_MAX_BYTES:
                    return
    except (TimeoutError, httpx.TransportError):
        return  # nothing of it was wanted: the connection is simply not reused


async def _read_body(response: httpx.Response, limit: int, robots: bool) -> bytes:
    """The decoded body, at most `limit` bytes before and after decompression (robots.txt: cut there)."""
    status = response.status_code
    inflater = _Inflater(response.headers.get("content-encoding", ""), status)
    # Chunks joined once at the end: a growing bytearray and its final copy were two more ~150 KB
    # buffers per page, each a fresh mapping to fault in (see beritawatch.memory).
    chunks: list[bytes] = []
    size = received = 0
    try:
        async for raw in response.aiter_raw():
            received += len(raw)
            chunk = inflater.feed(raw, limit - size)
            chunks.append(chunk)
            size += len(chunk)
            if size > limit or received > limit:
                if robots:
                    return b"".join(chunks)[:limit]
                raise _Abort(TOO_LARGE, f"more than {limit:,} bytes (after decompression)", status)
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise _BodyCut(received, exc) from exc
    inflater.finish()
    return b"".join(chunks)  # one chunk: that very object, not a copy


def _connection_error(exc: BaseException) -> str:
    if isinstance(exc, httpx.ConnectError):
        what = "could not connect"
    elif isinstance(exc, (httpx.ReadError, ConnectionResetError)):
        what = "connection reset by the server"
    else:
        what = "connection failed"
    return f"{what} ({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})"


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
