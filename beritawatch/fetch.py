"""Polite, bounded HTTP fetching: route map, per-host limits, robots.txt, conditional GET, retries.

Every request ends as a `FetchResult` whose `outcome` names what happened; nothing raises out of
`Fetcher.get`, so one broken URL can never fail a pass.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import email.utils
import time
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

import httpx
import stamina
from protego import Protego

from beritawatch.config import HttpSettings

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

    @property
    def ok(self) -> bool:
        return self.outcome == OK

    @property
    def size(self) -> int:
        return len(self.content) if self.content is not None else 0


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
        async with self._lock:
            wait = self._next_start - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_start = time.monotonic() + self._min_delay_s

    async def __aexit__(self, *exc: object) -> None:
        self._semaphore.release()


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response, retry_after: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = retry_after


class _Abort(Exception):
    """A final outcome reached inside the request (too large, bad type, ...)."""

    def __init__(self, outcome: str, error: str, status_code: int | None = None) -> None:
        super().__init__(error)
        self.outcome = outcome
        self.error = error
        self.status_code = status_code


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
        when = when.replace(tzinfo=dt.timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class Fetcher:
    """An async HTTP client for one pass. Use as `async with Fetcher(settings) as fetcher:`."""

    def __init__(self, settings: HttpSettings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        inner = transport or httpx.AsyncHTTPTransport(limits=limits)
        self._client = httpx.AsyncClient(
            transport=RoutedTransport(settings.route, inner),
            timeout=httpx.Timeout(settings.timeout_s),
            follow_redirects=False,
            headers={"User-Agent": settings.effective_user_agent,
                     "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                     "Accept-Language": "id,en;q=0.8"},
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, Protego | str] = {}  # origin -> rules, or why there are none
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

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                  accept: tuple[str, ...] = HTML_TYPES) -> FetchResult:
        """GET `url` politely; every failure becomes an outcome, never an exception."""
        started = time.perf_counter()
        requested_at = dt.datetime.now(dt.timezone.utc)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return FetchResult(url, requested_at, BAD_URL, error=f"not an http(s) URL: {url!r}")
        if self.settings.obey_robots:
            verdict = await self.robots_verdict(url)
            if verdict is not None:
                outcome, error = verdict
                return FetchResult(url, requested_at, outcome, error=error, elapsed_ms=_ms(started))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempts = 0
        redirects: tuple[str, ...] = ()
        try:
            for attempt in stamina.retry_context(
                on=self._retry_hook, attempts=self.settings.retries + 1,
                timeout=self.settings.timeout_s * (self.settings.retries + 1) + self.settings.max_retry_wait_s,
                wait_initial=0.5, wait_max=self.settings.max_retry_wait_s, wait_jitter=0.5,
            ):
                with attempt:
                    attempts += 1
                    response, body, redirects = await asyncio.wait_for(
                        self._get_following(url, headers, accept), timeout=self.settings.timeout_s * 2)
        except _RetryableStatus as exc:
            response = exc.response
            outcome = RATE_LIMITED if response.status_code == 429 else HTTP_ERROR
            return self._result(url, requested_at, started, outcome, response, None, redirects,
                                attempts, error=f"HTTP {response.status_code} after {attempts} attempts")
        except _Abort as exc:
            return FetchResult(url, requested_at, exc.outcome, status_code=exc.status_code,
                               elapsed_ms=_ms(started), error=exc.error,
                               attempts=attempts, redirects=redirects)
        except (TimeoutError, httpx.TimeoutException) as exc:
            return FetchResult(url, requested_at, TIMEOUT, elapsed_ms=_ms(started), attempts=attempts,
                               error=f"no complete answer within {self.settings.timeout_s:g} s ({type(exc).__name__})")
        except httpx.RemoteProtocolError as exc:
            return FetchResult(url, requested_at, TRUNCATED, elapsed_ms=_ms(started), attempts=attempts,
                               error=f"connection closed mid-response: {exc}")
        except (httpx.TransportError, OSError) as exc:
            return FetchResult(url, requested_at, CONNECTION_ERROR, elapsed_ms=_ms(started),
                               attempts=attempts, error=f"{type(exc).__name__}: {exc}")
        except httpx.DecodingError as exc:
            return FetchResult(url, requested_at, TRUNCATED, elapsed_ms=_ms(started), attempts=attempts,
                               error=f"content could not be decoded: {exc}")
        if response.status_code == 304:
            return self._result(url, requested_at, started, NOT_MODIFIED, response, None, redirects, attempts)
        if response.status_code >= 400:
            return self._result(url, requested_at, started, HTTP_ERROR, response, None, redirects,
                                attempts, error=f"HTTP {response.status_code}")
        return self._result(url, requested_at, started, OK, response, body, redirects, attempts)

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
        return isinstance(exc, (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError))

    async def _get_following(self, url: str, headers: dict[str, str],
                             accept: tuple[str, ...]) -> tuple[httpx.Response, bytes | None, tuple[str, ...]]:
        seen = {url}
        chain: list[str] = []
        current = url
        while True:
            host = urlsplit(current).hostname or ""
            async with self._gate(host):
                response, body = await self._get_once(current, headers, accept)
            if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                target = urljoin(current, response.headers["location"])
                chain.append(target)
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
            return response, body, tuple(chain)

    async def _get_once(self, url: str, headers: dict[str, str],
                        accept: tuple[str, ...]) -> tuple[httpx.Response, bytes | None]:
        async with self._client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status == 429 or status >= 500:
                raise _RetryableStatus(response, parse_retry_after(response.headers.get("retry-after")))
            if status >= 300:
                return response, None
            ctype = response.headers.get("content-type", "").lower()
            if ctype and not any(kind in ctype for kind in accept):
                raise _Abort(WRONG_CONTENT_TYPE, f"content type {ctype!r} is not one we read", status)
            declared = response.headers.get("content-length")
            limit = self.settings.max_bytes
            if declared and declared.isdigit() and int(declared) > limit:
                raise _Abort(TOO_LARGE, f"declared {int(declared):,} bytes, limit {limit:,}", status)
            chunks: list[bytes] = []
            total = 0
            # aiter_bytes yields decompressed bytes, so a gzip bomb is caught by the same limit.
            async for chunk in response.aiter_bytes():
                total += len(chunk)
                if total > limit:
                    raise _Abort(TOO_LARGE, f"more than {limit:,} bytes (after decompression)", status)
                chunks.append(chunk)
            return response, b"".join(chunks)

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
        if isinstance(rules, str):
            return ROBOTS_UNAVAILABLE, rules
        if not rules.can_fetch(url, self.settings.effective_user_agent.split("/")[0]):
            return ROBOTS_DISALLOWED, "robots.txt disallows this URL for our User-Agent"
        return None

    async def _load_robots(self, origin: str) -> Protego | str:
        try:
            async with self._gate(urlsplit(origin).hostname or ""):
                response = await self._client.get(f"{origin}/robots.txt", follow_redirects=True)
        except httpx.HTTPError as exc:
            return f"robots.txt could not be fetched ({type(exc).__name__}: {exc}); not fetching the site"
        if response.status_code >= 500:
            return f"robots.txt answered HTTP {response.status_code}; not fetching the site"
        if response.status_code >= 400:
            return Protego.parse("")
        return Protego.parse(response.text[:500_000])


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
