"""`beritawatch doctor`: check the config, alert targets, warehouse and every source, and say how to fix
what is wrong.

Read-only and secret-safe: nothing is written (the warehouse is opened read-only, never migrated),
no alert is sent, and every line printed passes through the targets' redaction, so a token or a
password in an apprise URL never reaches the terminal (or a CI log).
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import ipaddress
import json
import os
import pathlib
import re
import sys
from collections.abc import Sequence
from typing import TextIO
from urllib.parse import urlsplit

import duckdb

from beritawatch import fetch
from beritawatch.alerts.targets import ENV_VAR, MASK, redact_url
from beritawatch.config import Config, ConfigError, HttpSettings, load_config
from beritawatch.config import config_path as resolve_config

OK, WARN, PROBLEM = "OK", "WARN", "PROBLEM"
DOCTOR_TIMEOUT_S = 10.0  # per request: a doctor answers in seconds, whatever the pass allows
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>\]]+")
_DNS_NAME = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")  # a host name, not a bare number


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    status: str  # OK, WARN or PROBLEM
    subject: str
    detail: str
    fix: str = ""


def secret_parts(url: str) -> set[str]:
    """The parts of an apprise URL that must never be shown: the URL itself, its password, and
    any long token in it (user info, host position, path segment or query value)."""
    found = {url}
    parts = urlsplit(url)
    try:
        password = parts.password
    except ValueError:
        password = None
    if password:
        found.add(password)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    pieces = [*userinfo.split(":"), *parts.path.split("/"),
              *(v for pair in parts.query.split("&") for v in pair.split("=")[1:])]
    if not _public_host(hostport):  # a token in host position (tgram://<bot token>/...)
        pieces += hostport.split(":")
    found.update(piece for piece in pieces if len(piece) >= 8)
    return {f for f in found if f}


def _public_host(hostport: str) -> bool:
    """Whether `host[:port]` reads as a real address (IP or dotted name) rather than a token."""
    if hostport.startswith("["):
        return True  # a bracketed IPv6 literal
    host, _, port = hostport.partition(":")
    if port and not port.isdigit():
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return host.lower() == "localhost" or _DNS_NAME.fullmatch(host) is not None


class Report:
    """Findings, printed as they come, each line scrubbed of every known secret."""

    def __init__(self, out: TextIO, secret_urls: Sequence[str]) -> None:
        self.out = out
        self.secrets: set[str] = set()
        self.findings: list[Finding] = []
        for url in secret_urls:
            self.hide(url)

    def hide(self, url: str) -> None:
        self.secrets |= secret_parts(url)

    def add(self, status: str, subject: str, detail: str, fix: str = "") -> None:
        finding = Finding(status, subject, detail, fix)
        self.findings.append(finding)
        self.print(f"{status:<8} {subject}: {detail}")
        if fix and status != OK:
            self.print(f"{'':<8} fix: {fix}")

    def print(self, line: str) -> None:
        for secret in sorted(self.secrets, key=len, reverse=True):  # longest first: a URL before its parts
            if secret in line:
                line = line.replace(secret, redact_url(secret) if "://" in secret else MASK)
        print(line, file=self.out, flush=True)

    @property
    def problems(self) -> int:
        return sum(f.status == PROBLEM for f in self.findings)


def _secret_urls(config_path: pathlib.Path | None) -> list[str]:
    """Every URL in the config file and BERITAWATCH_NOTIFY: the redaction list even when the config
    does not load (its error message must not become the leak)."""
    found = _URL_IN_TEXT.findall(os.environ.get(ENV_VAR, ""))
    path = resolve_config(config_path)[0]
    with contextlib.suppress(OSError):
        found += _URL_IN_TEXT.findall(path.read_text(encoding="utf-8", errors="replace"))
    # Article and feed URLs are public; redacting them too would only make the report unreadable.
    return [u for u in found if urlsplit(u).scheme.lower() not in ("http", "https") or "@" in u]


def run_doctor(config_path: pathlib.Path | None, db_path: pathlib.Path | None, *,
               out: TextIO | None = None) -> int:
    """Run every check and print one line per finding; 0 when nothing is a PROBLEM, else 1."""
    report = Report(out or sys.stdout, _secret_urls(config_path))
    config = _check_config(report, config_path)
    if config is not None:
        for target in config.alerts.targets:
            report.hide(target.url)
        _check_targets(report, config)
        _check_politeness(report, config.http)
    database = db_path or (config.database if config is not None else None)
    if database is not None:
        _check_database(report, pathlib.Path(database), config)
    if config is not None:
        asyncio.run(_check_sources(report, config))
    problems, warnings = report.problems, sum(f.status == WARN for f in report.findings)
    report.print(f"\n{problems} problem(s), {warnings} warning(s)." if problems or warnings
                  else "\nEverything looks healthy.")
    return 1 if problems else 0


# -- config and targets ---------------------------------------------------------------------------

def _check_config(report: Report, path: pathlib.Path | None) -> Config | None:
    shown = str(resolve_config(path)[0])
    try:
        config = load_config(path)
    except ConfigError as exc:
        report.add(PROBLEM, "config", f"{shown}: {exc}",
                   f"edit `{exc.key}` in {shown}" if exc.key != shown else f"check {shown}")
        return None
    source = str(config.source) if config.source else f"no {shown}: defaults"
    report.add(OK, "config", f"{source} loads ({len(config.track)} tracked articles, "
                             f"{len(config.discover)} discovery sources, {len(config.alerts.targets)} alert targets)")
    if not config.track and not config.discover:
        report.add(WARN, "config", "nothing to monitor", "add [[track]] url = ... or [[discover]] url = ...")
    return config


def _check_targets(report: Report, config: Config) -> None:
    targets = config.alerts.targets
    if not targets:
        report.add(WARN, "alert targets", "none configured: alerts are stored in the warehouse but not sent",
                   f"add [alerts] targets = [\"json://...\"] or set {ENV_VAR} (apprise URLs)")
    for target in targets:
        tags = f", tags {','.join(sorted(target.tags))}" if target.tags else ""
        report.add(OK, "alert target", f"{target.name} ({target.kind}{tags})")


def _check_politeness(report: Report, http: HttpSettings) -> None:
    if not http.contact and not http.browser_user_agent:
        report.add(WARN, "user agent", f"{http.effective_user_agent!r} names no contact",
                   "set [http] contact = \"mailto:you@example.org\" so portals can reach you instead of blocking")
    elif http.contact and is_placeholder_contact(http.contact):
        report.add(WARN, "user agent", f"http.contact is the placeholder {http.contact!r}: portals cannot reach you",
                   "set [http] contact to an address you read, so a portal can write before it blocks us")
    if not http.obey_robots:
        report.add(WARN, "robots.txt", "http.obey_robots = false: robots.txt is ignored",
                   "only with the sites' permission; otherwise remove it")


_PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "example.invalid")


def is_placeholder_contact(contact: str) -> bool:
    """Whether `contact` is the shipped placeholder (or any example.* / .invalid address)."""
    text = contact.strip().lower().removeprefix("mailto:")
    domain = text.rpartition("@")[2].split("/")[0] if "@" in text else (urlsplit(text).hostname or text)
    return ("set-your-contact" in text or domain.endswith(".invalid")
            or any(domain == d or domain.endswith("." + d) for d in _PLACEHOLDER_DOMAINS))


# -- warehouse --------------------------------------------------------------------------------------

def _check_database(report: Report, path: pathlib.Path, config: Config | None) -> None:
    from warehouse.db import WarehouseError, connect, migration_files
    from warehouse.export import MANIFEST, export_dir

    if not str(path).startswith("ducklake:") and not path.exists():  # a lake is checked by connecting
        report.add(WARN, "database", f"no warehouse at {path} yet", "the first `beritawatch run` creates it")
        return
    try:
        con = connect(path, read_only=True, wait_s=0)
    except WarehouseError as exc:
        held = "held by" in str(exc)
        report.add(PROBLEM, "database", str(exc).split("; ")[0] if held else str(exc),
                   "a pass or an analyst session holds it: wait for it to finish (passes hold it for "
                   "seconds at a time), or stop that process; analysts can query the Parquet export "
                   f"in {export_dir(path)}" if held else "restore the file from a backup, or move it "
                   "aside and let `beritawatch run` start a new warehouse")
        return
    try:
        shipped = max((n for n, _, _ in migration_files()), default=0)
        try:
            [(version, applied)] = con.execute(
                "SELECT max(version), max(applied_at) FROM schema_migrations").fetchall()
        except duckdb.Error:
            version, applied = None, None
        if version is None:
            report.add(PROBLEM, "database", f"{path} has no schema_migrations table: not a beritawatch warehouse?",
                       "point --db / database at the right file")
            return
        if version > shipped:
            report.add(PROBLEM, "database", f"schema version {version} is newer than this beritawatch ({shipped})",
                       "upgrade beritawatch before running it on this warehouse")
        elif version < shipped:
            report.add(WARN, "database", f"schema version {version}, this beritawatch ships {shipped}",
                       "the next `beritawatch run` migrates it (back up the file first)")
        else:
            report.add(OK, "database", f"{path} opens; schema version {version} (migrated {applied:%Y-%m-%d})")
        _check_runs(report, con)
        _check_deliveries(report, con, config)
    finally:
        con.close()
    manifest = export_dir(path) / MANIFEST
    if manifest.exists():
        try:
            exported = json.loads(manifest.read_text(encoding="utf-8")).get("exported_at", "?")
        except (OSError, ValueError):
            exported = "unreadable manifest"
        report.add(OK, "export", f"Parquet export in {export_dir(path)} (made {exported})")


def _check_runs(report: Report, con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""SELECT status, count(*), max(started_at) FROM runs GROUP BY 1""").fetchall()
    by_status = {status: (n, last) for status, n, last in rows}
    if "completed" in by_status:
        [(finished,)] = con.execute("SELECT max(finished_at) FROM runs WHERE status = 'completed'").fetchall()
        report.add(OK, "last pass", f"completed {finished:%Y-%m-%d %H:%M} UTC ({by_status['completed'][0]} in all)")
    elif rows:
        report.add(WARN, "last pass", "no pass has completed yet", "run `beritawatch run` and read its errors")
    stale = [(n, last) for status, (n, last) in by_status.items() if status == "running"]
    if stale:
        n, last = stale[0]
        if last is not None and dt.datetime.now(dt.UTC) - last > dt.timedelta(hours=1):
            report.add(WARN, "passes", f"{n} pass(es) started but never finished (last {last:%Y-%m-%d %H:%M} UTC): "
                                       "killed or crashed", "nothing is lost (a pass stores all or nothing); check "
                                       "the scheduler's logs for why the process died")


def _check_deliveries(report: Report, con: duckdb.DuckDBPyConnection, config: Config | None) -> None:
    rows = con.execute("""SELECT target, status, count(*), max(last_error) FROM deliveries
                          WHERE status IN ('pending', 'failed') GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    known = {t.id for t in config.alerts.targets} if config is not None else set()
    for target, status, n, error in rows:
        where = target if target in known or not known else f"{target} (no longer configured)"
        verdict = PROBLEM if status == "failed" else WARN
        report.add(verdict, "alert delivery", f"{n} {status} for {where}" + (f": {error}" if error else ""),
                   "check the target (credentials, network): given-up deliveries are not resent on their own"
                   if status == "failed" else "pending ones are retried by the next passes (with backoff)")


# -- sources ----------------------------------------------------------------------------------------

_FIXES = {
    fetch.CONNECTION_ERROR: "check the host name, DNS and the network{route}",
    fetch.TIMEOUT: "the host is slow or drops us: check the network{route}, or raise http.timeout_s",
    fetch.ROBOTS_UNAVAILABLE: "robots.txt does not answer properly, so the site counts as disallowed until it "
                              "does; check it in a browser",
    fetch.ROBOTS_DISALLOWED: "robots.txt forbids this path for our User-Agent: stop tracking it, or set "
                             "http.obey_robots = false only with the site's permission",
    fetch.RATE_LIMITED: "the site rate-limits us: raise http.min_delay_s or lower http.per_host_concurrency",
    fetch.WRONG_CONTENT_TYPE: "the URL does not serve a page or feed: check it in a browser",
    fetch.TOO_LARGE: "raise http.max_bytes if the page is really this big",
    fetch.REDIRECT_LOOP: "the site redirects in circles (often a cookie or consent wall): check it in a browser",
    fetch.TOO_MANY_REDIRECTS: "use the URL the redirects end at, or raise http.max_redirects",
    fetch.BAD_URL: "fix the URL in the config",
    fetch.TRUNCATED: "the answer was cut off: usually transient, try again",
    fetch.BAD_ENCODING: "the server sends a compression it should not: try again later",
}


def _fix_for(result: fetch.FetchResult, route: str | None) -> str:
    code = result.status_code or 0
    if result.outcome == fetch.HTTP_ERROR and code in (401, 403):
        return ("the site refuses our requests: set http.contact, or try http.browser_user_agent = true "
                "(Tribun's CDN is known to refuse bots)")
    if result.outcome == fetch.HTTP_ERROR and code in (404, 410):
        return "the URL is gone or wrong: fix it or stop tracking it"
    if result.outcome == fetch.HTTP_ERROR:
        return "a server error on their side: try again later"
    hint = _FIXES.get(result.outcome, "try again; if it persists, open the URL in a browser")
    return hint.format(route=f", and that the routed origin {route} is up" if route else "")


async def _check_sources(report: Report, config: Config) -> None:
    http = dataclasses.replace(config.http, retries=0, max_retry_wait_s=0.0,
                               timeout_s=min(config.http.timeout_s, DOCTOR_TIMEOUT_S))
    by_origin: dict[str, str] = {}
    for item in config.track:
        parts = urlsplit(item.url)
        by_origin.setdefault(f"{parts.scheme}://{parts.netloc}".lower(), item.url)
    async with fetch.Fetcher(http) as fetcher:
        hosts = [_check_one(fetcher, http, "host", url, fetch.HTML_TYPES) for url in by_origin.values()]
        feeds = [_check_one(fetcher, http, "discovery source", source.url, fetch.FEED_TYPES)
                 for source in config.discover]
        for status, subject, detail, fix in await asyncio.gather(*hosts, *feeds):
            report.add(status, subject, detail, fix)


async def _check_one(fetcher: fetch.Fetcher, http: HttpSettings, kind: str, url: str,
                     accept: tuple[str, ...]) -> tuple[str, str, str, str]:
    host = (urlsplit(url).hostname or "").lower()
    route = http.route.get(host)
    where = f"{host} (routed to {redact_url(route)})" if route else host
    subject = f"{kind} {where}" if kind == "host" else f"{kind} {url}"
    robots = "robots.txt not checked (http.obey_robots = false)"
    if http.obey_robots:
        verdict = await fetcher.robots_verdict(url)
        if verdict is not None:
            outcome, error = verdict
            probe = fetch.FetchResult(url, dt.datetime.now(dt.UTC), outcome, error=error)
            return PROBLEM, subject, f"{outcome}: {error}", _fix_for(probe, route and redact_url(route))
        robots = "robots.txt allows us"
    result = await fetcher.get(url, accept=accept)
    if result.ok:
        return OK, subject, f"{robots}; {url} answered {result.status_code}", ""
    detail = f"{robots}; {url}: {result.outcome}" + (f" ({result.error})" if result.error else "")
    return PROBLEM, subject, detail, _fix_for(result, route and redact_url(route))
