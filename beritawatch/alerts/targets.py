"""Alert targets: parse and validate apprise URLs, redact their secrets, route alert kinds to tags.

Targets come from the config (`{"url": ..., "tags": [...]}` or a plain string) and from the
`BERITAWATCH_NOTIFY` environment variable (URLs separated by whitespace or commas, each
optionally prefixed with tags as in apprise's text config: `chat,ops=json://host/hook`).

Apprise URLs carry tokens and passwords, often in places a generic URL parser calls the host
or the path (`tgram://<bot token>/<chat>`, `discord://<id>/<token>`). Only `redact_url` output
(and `Target.name`) may be logged, stored or shown.

Routing policy (per pass and per target), as data in `DEFAULT_ROUTES`:
- "chat" gets every new / edit / removed / restored alert as its own message,
- "email" gets one digest of everything (health included) per pass,
- "ops" gets portal-health alerts as their own messages,
- an untagged target behaves as "chat" plus "ops".
When a target would get more than `max_items` (default 10) individual messages in one pass,
it gets one digest of them instead, so 100 alerts never flood a chat.
"""
from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import apprise

from beritawatch.alerts._applog import capture_apprise_log
from beritawatch.alerts.format import (
    MIN_LIMIT,
    PROFILES,
    Dialect,
    Message,
    TargetKind,
    digest_key,
    render_for,
)
from beritawatch.alerts.model import Alert, AlertKind
from beritawatch.i18n import DEFAULT_LANGUAGE, Language

ENV_VAR = "BERITAWATCH_NOTIFY"
MASK = "***"


class TargetError(ValueError):
    """One or more alert targets are unusable; the message names each (redacted) and says why."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid alert target(s):\n" + "\n".join(f"  - {p}" for p in self.problems))


# --- redaction ------------------------------------------------------------------------------

_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://(.*)", re.S)
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_QUERY_KEY = re.compile(r"[+:-]?[A-Za-z][A-Za-z0-9_.-]{0,39}")
# Apprise options whose values say how, not who: shown when they are a plain word or number.
_PUBLIC_OPTIONS = frozenset({"format", "overflow", "mode", "method", "cto", "rto", "verify", "retry", "wait", "mdv"})
_PUBLIC_VALUE = re.compile(r"[A-Za-z0-9_.-]{1,16}")


def _public_option(key: str, value: str) -> bool:
    return key.lower() in _PUBLIC_OPTIONS and _PUBLIC_VALUE.fullmatch(value) is not None


def _public_host(host: str) -> bool:
    """Whether `host` reads as a host name or IP address rather than a token in host position."""
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
            return True
        except ValueError:
            return False
    if host.lower() == "localhost":
        return True
    try:
        ipaddress.IPv4Address(host)
        return True
    except ValueError:
        pass
    labels = host.split(".")
    return (
        len(labels) >= 2
        and len(host) <= 253
        and all(_HOST_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
    )


@dataclasses.dataclass(frozen=True, slots=True)
class _Split:
    scheme: str
    userinfo: str | None
    host: str
    port: str
    path: str
    query: str | None
    fragment: str | None


def _split(url: str) -> _Split | None:
    m = _URL.fullmatch(url.strip())
    if m is None:
        return None
    scheme, rest = m.group(1).lower(), m.group(2)
    rest, hash_sign, fragment = rest.partition("#")
    rest, question, query = rest.partition("?")
    netloc, slash, path = rest.partition("/")
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if not hostport.endswith("]") and ":" in hostport:
        host, _, port = hostport.rpartition(":")
    return _Split(
        scheme=scheme,
        userinfo=userinfo if at else None,
        host=host,
        port=port,
        path=slash + path,
        query=query if question else None,
        fragment=fragment if hash_sign else None,
    )


def _redact_authority(parts: _Split) -> str:
    """User info masked; a public host and a numeric port kept, any other host masked."""
    out = ""
    if parts.userinfo is not None:
        out += MASK + (":" + MASK if ":" in parts.userinfo else "") + "@"
    if _public_host(parts.host) and (parts.port == "" or parts.port.isdigit()):
        out += parts.host + (":" + parts.port if parts.port else "")
    elif parts.host or parts.port:
        out += MASK
    return out


def redact_url(url: str) -> str:
    """`url` safe to show: scheme, host name and port kept; user, password, every path segment,
    every query value and any token in host position replaced by "***"."""
    parts = _split(url) if isinstance(url, str) else None
    if parts is None:
        return "(not a URL)"
    out = parts.scheme + "://" + _redact_authority(parts)
    out += "/".join(MASK if segment else "" for segment in parts.path.split("/"))
    if parts.query is not None:
        out += "?" + _redact_query(parts.query)
    if parts.fragment is not None:
        out += "#" + (MASK if parts.fragment else "")
    return out


def _redact_query(query: str) -> str:
    """A query with every value masked but the public options (and every odd pair masked whole)."""
    pairs = []
    for pair in re.split(r"[&;]", query):
        key, eq, value = pair.partition("=")
        if not pair:
            continue
        if eq and _QUERY_KEY.fullmatch(key):
            shown = value if _public_option(key, value) else (MASK if value else "")
            pairs.append(f"{key}={shown}")
        else:
            pairs.append(MASK)
    return "&".join(pairs)


def _secrets(url: str) -> set[str]:
    parts = _split(url)
    if parts is None:
        return {url.strip()} if url.strip() else set()
    found: set[str] = set()
    if parts.userinfo:
        found.add(parts.userinfo)
        found.update(p for p in parts.userinfo.split(":", 1) if p)
    if not _public_host(parts.host):
        found.update(p for p in (parts.host, parts.port, f"{parts.host}:{parts.port}") if p)
    found.update(s for s in parts.path.split("/") if s)
    found.update(_query_secrets(parts.query or ""))
    if parts.fragment:
        found.add(parts.fragment)
    return _spellings(found)


def _query_secrets(query: str) -> set[str]:
    """Every query value but the public options (a bare pair is a secret as a whole)."""
    found: set[str] = set()
    for pair in re.split(r"[&;]", query):
        key, eq, value = pair.partition("=")
        if eq and _public_option(key, value):
            continue
        found.update(v for v in ((value if eq else pair), *(value.split(",") if eq else ())) if v)
    return found


def _spellings(secrets: set[str]) -> set[str]:
    """The secrets as written, percent-decoded and percent-encoded (a message may show any)."""
    variants = set(secrets)
    for s in secrets:
        variants.add(urllib.parse.unquote(s))
        variants.add(urllib.parse.quote(s, safe=""))
        variants.add(urllib.parse.unquote_plus(s))
    return {v for v in variants if v}


_SHORT = 4
_ANY_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")
_ABBREVIATED = re.compile(r"[^\s/:@?&=#'\"]\.\.\.[^\s/:@?&=#'\"]")


def redact_text(text: str, url: str) -> str:
    """`text` (an error message, a log line) with every secret part of `url` replaced by "***".

    Over-redaction is accepted: a path word such as "hook" is masked in the text as well.
    """
    text = text.replace(url, redact_url(url))
    # Any URL quoted in the text (apprise echoes its privacy form "s...w", which keeps two
    # characters of each secret) is redacted as a whole.
    text = _ANY_URL.sub(lambda m: redact_url(m.group(0)), text)
    text = _ABBREVIATED.sub(MASK, text)
    for secret in sorted(_secrets(url), key=len, reverse=True):
        if secret == MASK:
            continue
        if len(secret) >= _SHORT:
            text = text.replace(secret, MASK)
        else:
            # A very short secret is masked only where it stands alone, or "h" would eat the text.
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", MASK, text)
    return text


# --- targets --------------------------------------------------------------------------------

_KIND_BY_SCHEME: dict[str, TargetKind] = {
    "tgram": "telegram",
    "discord": "discord",
    "slack": "slack",
    **{s: "webhook" for s in ("json", "jsons", "form", "forms", "xml", "xmls")},
    "mailto": "email",
    "mailtos": "email",
}
_TAG = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_STARTS_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_WORD = re.compile(r"[\w-]+")
_TAGGED = re.compile(r"([\w-]+(?:,[\w-]+)*)=([A-Za-z][A-Za-z0-9+.-]*://.*)", re.S)
_ENTRY_KEYS = frozenset({"url", "tags", "name", "limit", "max_parts"})


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    """One validated apprise target. `url` holds secrets: show `name`, never `url`."""

    url: str = dataclasses.field(repr=False)
    tags: frozenset[str]
    kind: TargetKind
    dialect: Dialect
    limit: int
    max_parts: int
    name: str  # redacted URL (or the configured name): safe to log, store and show
    id: str  # stable identity for the outbox: the configured name, else the redacted URL (+ "#n")

    def render(self, alert: Alert, lang: Language = DEFAULT_LANGUAGE) -> list[Message]:
        """The messages that carry `alert` to this target, labelled in `lang`."""
        return render_for(self.kind, alert, self.limit, dialect=self.dialect, max_parts=self.max_parts, lang=lang)


def split_env(value: str) -> list[str]:
    """The target entries of a `BERITAWATCH_NOTIFY` value.

    A comma separates two entries only when a URL (or `tags=URL`) follows it; otherwise it
    belongs to the URL before it (`mailto://...?to=a@x.id,b@x.id`, `tgram://bot/chat1,chat2`).
    """
    entries: list[str] = []
    for token in value.split():
        pieces = [piece for piece in token.split(",") if piece]
        i = 0
        while i < len(pieces):
            piece = pieces[i]
            if _STARTS_URL.match(piece) or _TAGGED.fullmatch(piece):
                entries.append(piece)
                i += 1
                continue
            # A run of bare words is a tag list when it ends in "tag=URL"; else it continues a URL.
            j = i
            while j < len(pieces) and _WORD.fullmatch(pieces[j]):
                j += 1
            if j > i and j < len(pieces) and _TAGGED.fullmatch(pieces[j]):
                entries.append(",".join(pieces[i : j + 1]))
                i = j + 1
            elif entries:
                entries[-1] += "," + piece
                i += 1
            else:
                entries.append(piece)
                i += 1
    return [e for e in entries if e]


_DIALECTS: dict[str, Dialect] = {"html": "html", "markdown": "markdown"}
_TELEGRAM_DIALECTS: dict[str, Dialect] = {"html": "telegram", "markdown": "markdown"}


def _dialect(kind: TargetKind, plugin: Any, url: str) -> Dialect:
    fmt = str(getattr(plugin, "notify_format", "text"))
    fmt = fmt.split(".")[-1].lower()  # NotifyFormat.HTML -> "html"
    if kind == "discord":
        return "markdown"  # Discord renders Markdown whatever apprise's format says
    if kind == "slack":
        return "slack"
    if kind == "telegram":
        return _TELEGRAM_DIALECTS.get(fmt, "text")
    if kind == "webhook":
        explicit = re.search(r"[?&]format=(\w+)", url)
        if explicit is None:
            return "markdown"
        fmt = explicit.group(1).lower()
    return _DIALECTS.get(fmt, "text")


def _instantiate(url: str) -> tuple[Any | None, list[str]]:
    with capture_apprise_log() as messages:
        try:
            plugin = apprise.Apprise.instantiate(url, asset=apprise.AppriseAsset(storage_mode="memory"))
        except Exception as exc:  # apprise suppresses most, but a plugin may still raise
            messages.append(f"{type(exc).__name__}: {exc}")
            plugin = None
    return plugin, messages


def _entry(raw: str | Mapping[str, Any], where: str) -> tuple[str, frozenset[str], dict[str, Any]]:
    if isinstance(raw, str):
        text = raw.strip()
        tagged = _TAGGED.fullmatch(text)
        if tagged:
            return tagged.group(2), frozenset(t.lower() for t in tagged.group(1).split(",")), {}
        return text, frozenset(), {}
    if not isinstance(raw, Mapping):
        raise TargetError([f"{where}: expected a URL string or a table with 'url', got {type(raw).__name__}"])
    return _table_entry(raw, where)


def _table_entry(raw: Mapping[str, Any], where: str) -> tuple[str, frozenset[str], dict[str, Any]]:
    url = raw.get("url")
    shown = redact_url(url) if isinstance(url, str) else "(no url)"
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise TargetError([f"{where} {shown}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_ENTRY_KEYS)}"])
    if not isinstance(url, str) or not url.strip():
        raise TargetError([f"{where}: 'url' must be a non-empty string"])
    tags = raw.get("tags", ())
    if isinstance(tags, str):
        tags = [t for t in re.split(r"[,\s]+", tags) if t]
    if not isinstance(tags, list | tuple | set | frozenset) or not all(isinstance(t, str) for t in tags):
        raise TargetError([f"{where} {shown}: 'tags' must be a list of strings"])
    options = {k: raw[k] for k in ("name", "limit", "max_parts") if k in raw}
    return url.strip(), frozenset(t.lower() for t in tags), options


def _check_tags(label: str, tags: frozenset[str], routes: Mapping[str, Route]) -> None:
    bad_tags = sorted(t for t in tags if not _TAG.fullmatch(t))
    if bad_tags:
        raise TargetError([f"{label}: invalid tag(s) {bad_tags} (letters, digits, '-' and '_')"])
    unrouted = sorted(tags - set(routes))
    if unrouted:
        raise TargetError([f"{label}: tag(s) {unrouted} receive no alerts; known tags: {sorted(routes)}"])


def _sizes(label: str, options: Mapping[str, Any], kind: TargetKind, plugin: Any) -> tuple[int, int]:
    """(limit, max_parts): the entry's own, else the kind's profile (an unknown kind: the plugin's
    own body limit when it has one)."""
    profile = PROFILES[kind]
    limit = options.get("limit")
    if limit is None:
        limit = profile.limit
        if kind == "other":
            maxlen = int(getattr(plugin, "body_maxlen", 0) or 0)
            limit = max(MIN_LIMIT, min(profile.limit, maxlen)) if maxlen > 0 else profile.limit
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < MIN_LIMIT:
        raise TargetError([f"{label}: 'limit' must be an integer of at least {MIN_LIMIT}"])
    max_parts = options.get("max_parts", profile.max_parts)
    if not isinstance(max_parts, int) or isinstance(max_parts, bool) or max_parts < 1:
        raise TargetError([f"{label}: 'max_parts' must be a positive integer"])
    return limit, max_parts


def _target(raw: str | Mapping[str, Any], where: str, routes: Mapping[str, Route]) -> Target:
    url, tags, options = _entry(raw, where)
    shown = redact_url(url)
    label = f"{where} {shown}"
    split = _split(url)
    if split is None:
        raise TargetError([f"{label}: not an apprise URL (expected scheme://...)"])
    _check_tags(label, tags, routes)
    plugin, log = _instantiate(url)
    if plugin is None:
        reasons = "; ".join(dict.fromkeys(redact_text(m, url) for m in log)) or "apprise cannot load it"
        raise TargetError([f"{label}: apprise rejected it: {reasons}"])
    scheme = split.scheme
    kind = _KIND_BY_SCHEME.get(scheme, "other")
    limit, max_parts = _sizes(label, options, kind, plugin)
    name = options.get("name")
    if name is not None and (not isinstance(name, str) or not re.fullmatch(r"[\w.-]{1,64}", name)):
        raise TargetError([f"{label}: 'name' must be 1-64 letters, digits, '.', '-' or '_'"])
    return Target(
        url=url,
        tags=tags,
        kind=kind,
        dialect=_dialect(kind, plugin, url),
        limit=limit,
        max_parts=max_parts,
        name=name or shown,
        id=name or shown,
    )


def validate_targets(
    config: Iterable[str | Mapping[str, Any]] = (),
    env: str | None = None,
    *,
    routes: Mapping[str, Route] | None = None,
) -> list[Target]:
    """Every target from the config entries and the `BERITAWATCH_NOTIFY` value, validated.

    Raises `TargetError` listing every bad entry by position and redacted URL. Pass
    `os.environ.get(ENV_VAR)` as `env`. Targets are returned config first, then env, with
    unique `id`s (a repeated redacted URL gets "#2", "#3", ...).
    """
    routes = DEFAULT_ROUTES if routes is None else routes
    entries: list[tuple[str, str | Mapping[str, Any]]] = [
        (f"config target {i}", raw) for i, raw in enumerate(config, start=1)
    ]
    if env:
        entries += [(f"{ENV_VAR} entry {i}", raw) for i, raw in enumerate(split_env(env), start=1)]
    targets: list[Target] = []
    problems: list[str] = []
    seen_urls: dict[str, str] = {}
    for where, raw in entries:
        try:
            target = _target(raw, where, routes)
        except TargetError as exc:
            problems.extend(exc.problems)
            continue
        if target.url in seen_urls:
            problems.append(f"{where} {target.name}: same URL as {seen_urls[target.url]}")
            continue
        seen_urls[target.url] = where
        targets.append(target)
    if problems:
        raise TargetError(problems)
    return _unique_ids(targets)


def _unique_ids(targets: list[Target]) -> list[Target]:
    counts: dict[str, int] = {}
    out: list[Target] = []
    for target in targets:
        counts[target.id] = counts.get(target.id, 0) + 1
        n = counts[target.id]
        out.append(target if n == 1 else dataclasses.replace(target, id=f"{target.id}#{n}"))
    return out


# --- routing --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Route:
    """What a tag receives: these kinds, one message each, or all of them in one digest."""

    kinds: frozenset[AlertKind]
    digest: bool = False


ITEM_KINDS: frozenset[AlertKind] = frozenset({"new", "edit", "removed", "restored", "story"})
DEFAULT_ROUTES: Mapping[str, Route] = MappingProxyType(
    {
        "chat": Route(ITEM_KINDS),
        "email": Route(ITEM_KINDS | {"health"}, digest=True),
        "ops": Route(frozenset({"health"})),
    }
)
UNTAGGED: frozenset[str] = frozenset({"chat", "ops"})
MAX_ITEMS_PER_PASS = 10


@dataclasses.dataclass(frozen=True, slots=True)
class Planned:
    """One alert (possibly a digest) to deliver to one target."""

    target: Target
    alert: Alert


def _kinds_of(target: Target, routes: Mapping[str, Route]) -> tuple[set[AlertKind], set[AlertKind]]:
    """(kinds sent one by one, kinds sent as a digest) to `target`; one by one wins."""
    item_kinds: set[AlertKind] = set()
    digest_kinds: set[AlertKind] = set()
    for tag in target.tags or UNTAGGED:
        route = routes.get(tag)
        if route is not None:
            (digest_kinds if route.digest else item_kinds).update(route.kinds)
    return item_kinds, digest_kinds - item_kinds


def plan_pass(
    alerts: Sequence[Alert],
    targets: Sequence[Target],
    *,
    pass_id: str,
    routes: Mapping[str, Route] | None = None,
    max_items: int = MAX_ITEMS_PER_PASS,
) -> list[Planned]:
    """Which alert goes to which target in one pass (see the module doc for the policy).

    `pass_id` (printable ASCII, no spaces) names the pass in the digests' dedupe keys, so a
    digest planned twice for the same pass and the same alerts has the same key.
    """
    routes = DEFAULT_ROUTES if routes is None else routes
    planned: list[Planned] = []
    for target in targets:
        item_kinds, digest_kinds = _kinds_of(target, routes)
        items = [a for a in alerts if a.kind in item_kinds]
        digested = [a for a in alerts if a.kind in digest_kinds]
        if len(items) > max_items:
            digested, items = [a for a in alerts if a.kind in item_kinds | digest_kinds], []
        planned.extend(Planned(target, a) for a in items)
        if digested:
            prefix = f"digest:{pass_id}:{hashlib.sha256(target.id.encode()).hexdigest()[:8]}"
            digest = Alert(kind="digest", dedupe_key=digest_key(digested, prefix), items=tuple(digested))
            planned.append(Planned(target, digest))
    return planned
