"""Which discovered links beritawatch may follow: only plain http(s) URLs on the portals' hosts.

The rule: a URL is followed only if it is http or https, on the scheme's default port, without
user info, and its host is a DNS name (never an IP literal or localhost) that either equals an
allowed entry or is a subdomain of an allowed entry that is a registrable domain. So with
`{"tribunnews.com", "news.detik.com"}`, `kaltim.tribunnews.com` passes, `finance.detik.com` does
not (`news.detik.com` is a host, not a registrable domain), nor does `news.detik.com.evil.example`.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Iterable
from urllib.parse import urlsplit

import httpx

from beritawatch.discovery.model import Candidate

# Second-level public suffixes a portal may sit under; anything else is registrable at two labels.
SECOND_LEVEL_SUFFIXES = frozenset({
    "co.id", "or.id", "ac.id", "go.id", "web.id", "my.id", "net.id", "sch.id", "biz.id", "mil.id",
    "ponpes.id", "desa.id", "co.uk", "com.au", "com.sg", "com.my",
})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_DNS_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
# inet_aton accepts "127.1", "0x7f.0.0.1", "2130706433", "0177.0.0.1": any all-numeric-ish host.
_NUMERIC_HOST = re.compile(r"(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+))*\.?")
MAX_URL_CHARS = 4096


def registrable_domain(host: str) -> str | None:
    """The registrable domain of a DNS name ("kaltim.tribunnews.com" -> "tribunnews.com")."""
    labels = host.lower().rstrip(".").split(".")
    suffix_len = 2 if ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES else 1
    if len(labels) <= suffix_len:
        return None
    return ".".join(labels[-(suffix_len + 1):])


class AllowedHosts:
    """A compiled allow-list: exact hosts, plus registrable domains whose subdomains pass too."""

    def __init__(self, entries: Iterable[str]) -> None:
        domains: set[str] = set()
        hosts: set[str] = set()
        for raw in entries:
            entry = raw.strip().lower()
            if not _DNS_NAME.fullmatch(entry) or _is_ip_like(entry) or _is_localhost(entry):
                raise ValueError(f"allowed host {raw!r} is not a public DNS name")
            domain = registrable_domain(entry)
            if domain is None:
                raise ValueError(f"allowed host {raw!r} is a public suffix, which would allow anyone")
            hosts.add(entry)
            if domain == entry:
                domains.add(entry)
        self.hosts: frozenset[str] = frozenset(hosts)
        self.domains: frozenset[str] = frozenset(domains)

    def allows(self, host: str) -> bool:
        """Whether `host` (lowercase DNS name) is an allowed host or under an allowed domain."""
        if host in self.hosts:
            return True
        domain = registrable_domain(host)
        return domain is not None and domain in self.domains


def _is_ip_like(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return bool(_NUMERIC_HOST.fullmatch(host))


def _is_localhost(host: str) -> bool:
    host = host.rstrip(".")
    return host in ("localhost", "localhost.localdomain") or host.endswith(".localhost")


def rejection_reason(url: str, allowed: AllowedHosts) -> str | None:
    """Why beritawatch must not fetch `url` (None when it may); also for checking redirects."""
    if len(url) > MAX_URL_CHARS:
        return "URL too long"
    if _UNSAFE_CHARS.search(url):
        return "URL contains whitespace, control characters or backslashes"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"unparseable URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return f"scheme {scheme + ':' if scheme else '(none)'} not allowed (http and https only)"
    if "@" in parts.netloc:
        return "URL carries user info (user@host)"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        return f"non-default port {port}"
    host = (parts.hostname or "").lower()
    reason = _host_reason(host) or _client_reason(url, host, port, _DEFAULT_PORTS[scheme])
    if reason is not None:
        return reason
    if not allowed.allows(host):
        return f"host {host} is not an allowed portal host"
    return None


def _host_reason(host: str) -> str | None:
    """Why a (lowercased) host is not a plain public DNS name."""
    if not host:
        return "URL has no host"
    if _is_ip_like(host):
        return f"host {host} is an IP address literal"
    if _is_localhost(host):
        return f"host {host} is localhost"
    if host.endswith("."):
        return f"host {host} ends with a dot"
    if not _DNS_NAME.fullmatch(host):
        return f"host {host!r} is not a plain DNS name"
    return None


def _client_reason(url: str, host: str, port: int | None, default: int) -> str | None:
    """The fetcher parses with httpx: refuse anything the two parsers read differently."""
    try:
        seen = httpx.URL(url)
    except Exception:  # noqa: BLE001 - any parse failure means "do not fetch"
        return "URL is rejected by the HTTP client's parser"
    if seen.raw_host.decode("ascii", "replace").lower() != host or (seen.port or default) != (port or default):
        return "URL is read differently by the HTTP client"
    return None


def filter_candidates(
    candidates: Iterable[Candidate], allowed_hosts: Collection[str] | AllowedHosts
) -> tuple[list[Candidate], list[tuple[str, str]]]:
    """Split candidates into those safe to fetch and (url, reason) for the rest."""
    allowed = allowed_hosts if isinstance(allowed_hosts, AllowedHosts) else AllowedHosts(allowed_hosts)
    kept: list[Candidate] = []
    rejected: list[tuple[str, str]] = []
    for candidate in candidates:
        reason = rejection_reason(candidate.url, allowed)
        if reason is None:
            kept.append(candidate)
        else:
            rejected.append((candidate.url, reason))
    return kept, rejected
