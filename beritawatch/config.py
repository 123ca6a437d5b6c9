"""The TOML configuration: typed settings, defaults, environment overrides and key-naming errors."""
from __future__ import annotations

import dataclasses
import os
import pathlib
import re
import tomllib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from beritawatch.alerts.targets import Target, TargetError, validate_targets
from beritawatch.i18n import DEFAULT_LANGUAGE, DISPLAY_TIMEZONE, Language, check_language
from beritawatch.relevance import Topic
from beritawatch.revisit import RevisitLadder
from beritawatch.stories.settings import StorySettings, StorySettingsError, story_settings

DEFAULT_CONFIG = pathlib.Path("beritawatch.toml")
DEFAULT_DB = pathlib.Path("data/beritawatch.duckdb")
ENV_CONFIG = "BERITAWATCH_CONFIG"  # names the config file read when no --config is given
ENV_NOTIFY = "BERITAWATCH_NOTIFY"
ENV_ROUTE = "BERITAWATCH_ROUTE"


class ConfigError(ValueError):
    """A configuration value is missing or wrong; `key` names it as written in the TOML file."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@dataclasses.dataclass(frozen=True, slots=True)
class TrackedArticle:
    url: str
    label: str | None = None
    paused: bool = False  # kept in the config, not checked until resumed


DISCOVER_KINDS = ("auto", "rss", "sitemap", "index", "payload")
DEFAULT_MAX_NEW = 50  # new articles taken from one source in one pass; the rest wait for the next


@dataclasses.dataclass(frozen=True, slots=True)
class DiscoverySource:
    url: str
    kind: str = "auto"  # one of DISCOVER_KINDS; "auto" decides from the response
    every_minutes: float = 10.0
    max_new: int = DEFAULT_MAX_NEW  # cap on new articles tracked from this source per pass


@dataclasses.dataclass(frozen=True, slots=True)
class HttpSettings:
    user_agent: str = "beritawatch/0.1 (news monitor; +https://example.invalid/beritawatch)"
    contact: str | None = None  # appended to the User-Agent so portals can reach the operator
    browser_user_agent: bool = False  # send a browser-class User-Agent (see README: Tribun's CDN)
    timeout_s: float = 20.0
    min_delay_s: float = 1.0  # per host, between request starts
    per_host_concurrency: int = 2
    max_bytes: int = 8_000_000
    max_redirects: int = 5
    retries: int = 3  # extra attempts on 429/5xx and connection errors
    max_retry_wait_s: float = 30.0  # longest Retry-After honoured inside one pass
    obey_robots: bool = True
    route: Mapping[str, str] = dataclasses.field(default_factory=dict)  # host -> origin

    @property
    def effective_user_agent(self) -> str:
        if self.browser_user_agent:
            return ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/130.0 Safari/537.36 beritawatch/0.1")
        return f"{self.user_agent} {self.contact}" if self.contact else self.user_agent


@dataclasses.dataclass(frozen=True, slots=True)
class AlertSettings:
    targets: tuple[Target, ...] = ()  # validated apprise targets (config, then BERITAWATCH_NOTIFY)
    max_attempts: int = 8
    digest_threshold: int = 10  # more items than this in one pass: chat gets the digest instead
    minor_edits: bool = False  # alert typo-level edits too (they are always recorded)


@dataclasses.dataclass(frozen=True, slots=True)
class RevisitSettings:
    every_pass: bool = False
    max_per_pass: int = 2000
    ladder: RevisitLadder = RevisitLadder()


@dataclasses.dataclass(frozen=True, slots=True)
class UiSettings:
    language: Language = DEFAULT_LANGUAGE  # of alerts, the report, edit summaries, CLI summaries
    timezone: str = DISPLAY_TIMEZONE  # the session time zone `sql` shows times in


@dataclasses.dataclass(frozen=True, slots=True)
class ReportSettings:
    out: pathlib.Path | None = None  # when set, the report is rewritten there after every pass


@dataclasses.dataclass(frozen=True, slots=True)
class Config:
    track: tuple[TrackedArticle, ...] = ()
    discover: tuple[DiscoverySource, ...] = ()
    topics: tuple[Topic, ...] = ()  # empty: the shipped North Korea–Russia arms topic
    alerts: AlertSettings = AlertSettings()
    http: HttpSettings = HttpSettings()
    revisit: RevisitSettings = RevisitSettings()
    ui: UiSettings = UiSettings()
    report: ReportSettings = ReportSettings()
    stories: StorySettings = StorySettings()
    database: pathlib.Path = DEFAULT_DB  # a DuckDB file, or "ducklake:<catalog>" (warehouse.backend)
    source: pathlib.Path | None = None  # the file it was read from
    data_path: str | None = None  # a DuckLake warehouse's Parquet folder (or object-storage URL)


_TOP_KEYS = {"track", "discover", "topics", "topic", "alerts", "http", "revisit", "database", "ui", "report",
             "stories", "data_path"}


def config_path(path: pathlib.Path | None = None,
                env: Mapping[str, str] | None = None) -> tuple[pathlib.Path, str | None]:
    """The config file to read and who named it: `path` ("--config"), else $BERITAWATCH_CONFIG,
    else `beritawatch.toml` in the current folder (named by nobody: it may be missing)."""
    env = os.environ if env is None else env
    if path is not None:
        return path, "--config"
    if env.get(ENV_CONFIG, "").strip():
        return pathlib.Path(env[ENV_CONFIG].strip()), ENV_CONFIG
    return DEFAULT_CONFIG, None


def require_config_file(path: pathlib.Path | None = None, env: Mapping[str, str] | None = None) -> pathlib.Path:
    """The config file a monitoring pass reads; a ConfigError saying where it looked when there is
    none (a pass on the defaults would monitor nothing, silently: a cron trap)."""
    found, named_by = config_path(path, env)
    if found.is_file():
        return found
    if named_by is not None:
        raise ConfigError(str(found), f"config file not found (named by {named_by})")
    raise ConfigError("--config", f"no config file: looked for {found.resolve()} (none in the current folder); "
                                  f"pass --config FILE or set {ENV_CONFIG}=FILE")


def load_config(path: pathlib.Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the config file (see `config_path`; a missing default file means defaults)."""
    env = os.environ if env is None else env
    path, named_by = config_path(path, env)
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(path), f"not valid TOML ({exc})") from None
    elif named_by is not None:
        by_env = f" (named by {ENV_CONFIG})" if named_by == ENV_CONFIG else ""
        raise ConfigError(str(path), f"config file not found{by_env}")
    else:
        raw = {}
    config = config_from_dict(raw, env)
    return dataclasses.replace(config, source=path if path.exists() else None)


def config_from_dict(raw: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Config:
    """Validate a parsed TOML document into a Config, applying the environment overrides."""
    env = {} if env is None else env
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise ConfigError(sorted(unknown)[0], f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    track = tuple(_tracked(i, item) for i, item in enumerate(_list(raw, "track")))
    discover = tuple(_discovery(i, item) for i, item in enumerate(_list(raw, "discover")))
    topics = tuple(_topic(i, item) for i, item in enumerate(_list(raw, "topics") or _list(raw, "topic")))
    http = _http(_table(raw, "http"), env)
    alerts = _alerts(_table(raw, "alerts"), env)
    revisit = _revisit(_table(raw, "revisit"))
    try:
        stories = story_settings(_table(raw, "stories"))
    except StorySettingsError as exc:
        raise ConfigError(exc.key, exc.problem) from None
    database = raw.get("database", str(DEFAULT_DB))
    if not isinstance(database, str) or not database:
        raise ConfigError("database", "must be a file path or a 'ducklake:...' string")
    data_path = raw.get("data_path")
    if data_path is not None and (not isinstance(data_path, str) or not data_path):
        raise ConfigError("data_path", "must be a folder path or object-storage URL string")
    if data_path is not None and not database.startswith("ducklake:"):
        raise ConfigError("data_path", "only a DuckLake warehouse (database = \"ducklake:...\") has a data path")
    return Config(track=track, discover=discover, topics=topics, alerts=alerts, http=http,
                  revisit=revisit, ui=_ui(_table(raw, "ui")), report=_report(_table(raw, "report")),
                  stories=stories,
                  database=pathlib.Path(database), data_path=data_path)


def _list(raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(key, f"must be an array of tables ([[{key}]])")
    return value


def _table(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(key, f"must be a table ([{key}])")
    return value


def _check_url(key: str, url: Any) -> str:
    if not isinstance(url, str):
        raise ConfigError(key, "must be a string URL")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(key, f"not an http(s) URL: {url!r}")
    return url.strip()


def _tracked(i: int, item: Any) -> TrackedArticle:
    key = f"track[{i}]"
    if isinstance(item, str):
        return TrackedArticle(url=_check_url(key, item))
    if not isinstance(item, Mapping):
        raise ConfigError(key, "must be a table with a url")
    _no_extra(key, item, {"url", "label", "paused"})
    label = item.get("label")
    if label is not None and not isinstance(label, str):
        raise ConfigError(f"{key}.label", f"must be a string, got {label!r}")
    return TrackedArticle(url=_check_url(f"{key}.url", item.get("url")), label=label,
                          paused=_boolean(f"{key}.paused", item.get("paused", False)))


def _discovery(i: int, item: Any) -> DiscoverySource:
    key = f"discover[{i}]"
    if not isinstance(item, Mapping):
        raise ConfigError(key, "must be a table with a url")
    _no_extra(key, item, {"url", "kind", "every_minutes", "max_new"})
    kind = item.get("kind", "auto")
    if kind not in DISCOVER_KINDS:
        raise ConfigError(f"{key}.kind", f"must be one of {', '.join(DISCOVER_KINDS)}, got {kind!r}")
    every = _number(f"{key}.every_minutes", item.get("every_minutes", 10.0), minimum=0.0)
    max_new = _integer(f"{key}.max_new", item.get("max_new", DEFAULT_MAX_NEW), 1)
    return DiscoverySource(url=_check_url(f"{key}.url", item.get("url")), kind=kind, every_minutes=every,
                           max_new=max_new)


def _topic(i: int, item: Any) -> Topic:
    if not isinstance(item, Mapping):
        raise ConfigError(f"topics[{i}]", "must be a table")
    try:
        return Topic.from_dict(item)
    except ValueError as exc:
        raise ConfigError(f"topics[{i}]", str(exc)) from None


def _no_extra(key: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    extra = set(table) - allowed
    if extra:
        raise ConfigError(f"{key}.{sorted(extra)[0]}", f"unknown key (known: {', '.join(sorted(allowed))})")


def _number(key: str, value: Any, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(key, f"must be a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(key, f"must be at least {minimum:g}, got {value!r}")
    return float(value)


def _integer(key: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(key, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise ConfigError(key, f"must be at least {minimum}, got {value!r}")
    return value


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, f"must be true or false, got {value!r}")
    return value


def parse_route_env(value: str) -> dict[str, str]:
    """`host=origin,host=origin` (commas or whitespace) into a route map."""
    routes: dict[str, str] = {}
    for item in re.split(r"[\s,]+", value.strip()):
        if not item:
            continue
        host, sep, origin = item.partition("=")
        if not sep:
            raise ConfigError(ENV_ROUTE, f"entry {item!r} is not host=origin")
        routes[host.strip()] = origin.strip()
    return routes


def _route(routes: Mapping[str, Any]) -> dict[str, str]:
    checked: dict[str, str] = {}
    for host, origin in routes.items():
        key = f"http.route.{host!r}"
        if not re.fullmatch(r"[A-Za-z0-9.-]+", host):
            raise ConfigError(key, "the key must be a bare host name such as news.detik.com")
        if not isinstance(origin, str):
            raise ConfigError(key, "must be an origin string such as http://127.0.0.1:8001")
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            raise ConfigError(key, f"must be an origin like http://127.0.0.1:8001, got {origin!r}")
        checked[host.lower()] = f"{parts.scheme}://{parts.netloc}"
    return checked


_HTTP_KEYS = {f.name for f in dataclasses.fields(HttpSettings)}


def _http(table: Mapping[str, Any], env: Mapping[str, str]) -> HttpSettings:
    _no_extra("http", table, _HTTP_KEYS)
    route_table = table.get("route", {})
    if not isinstance(route_table, Mapping):
        raise ConfigError("http.route", "must be a table of host = origin")
    routes = dict(route_table)
    if env.get(ENV_ROUTE):
        routes.update(parse_route_env(env[ENV_ROUTE]))
    defaults = HttpSettings()
    values: dict[str, Any] = {"route": _route(routes)}
    for name in ("user_agent", "contact"):
        if name in table:
            if not isinstance(table[name], str) or not table[name].strip():
                raise ConfigError(f"http.{name}", "must be a non-empty string")
            values[name] = table[name].strip()
    for name in ("browser_user_agent", "obey_robots"):
        if name in table:
            values[name] = _boolean(f"http.{name}", table[name])
    for name, minimum in (("timeout_s", 0.1), ("min_delay_s", 0.0), ("max_retry_wait_s", 0.0)):
        values[name] = _number(f"http.{name}", table.get(name, getattr(defaults, name)), minimum)
    for name, low in (("per_host_concurrency", 1), ("max_bytes", 1024), ("max_redirects", 0),
                      ("retries", 0)):
        values[name] = _integer(f"http.{name}", table.get(name, getattr(defaults, name)), low)
    return HttpSettings(**values)


def _alerts(table: Mapping[str, Any], env: Mapping[str, str]) -> AlertSettings:
    _no_extra("alerts", table, {"targets", "max_attempts", "digest_threshold", "minor_edits"})
    raw_targets = table.get("targets", [])
    if not isinstance(raw_targets, list):
        raise ConfigError("alerts.targets", "must be an array of apprise URLs")
    try:
        targets = validate_targets(raw_targets, env.get(ENV_NOTIFY))
    except TargetError as exc:  # the message names each bad URL, with its secrets masked
        raise ConfigError("alerts.targets", str(exc)) from None
    return AlertSettings(
        targets=tuple(targets),
        max_attempts=_integer("alerts.max_attempts", table.get("max_attempts", 8), 1),
        digest_threshold=_integer("alerts.digest_threshold", table.get("digest_threshold", 10), 1),
        minor_edits=_boolean("alerts.minor_edits", table.get("minor_edits", False)),
    )


def _revisit(table: Mapping[str, Any]) -> RevisitSettings:
    _no_extra("revisit", table, {"every_pass", "max_per_pass", "ladder"})
    raw_ladder = table.get("ladder", {})
    if not isinstance(raw_ladder, Mapping):
        raise ConfigError("revisit.ladder", "must be a table")
    every_pass = _boolean("revisit.every_pass", table.get("every_pass", False))
    max_per_pass = _integer("revisit.max_per_pass", table.get("max_per_pass", 2000), 1)
    try:
        ladder = RevisitLadder.from_dict({**raw_ladder, "budget": max_per_pass, "every_pass": every_pass})
    except ValueError as exc:
        key, _, problem = str(exc).partition(": ")
        raise ConfigError(key.replace("revisit.", "revisit.ladder.", 1), problem or str(exc)) from None
    return RevisitSettings(every_pass=every_pass, max_per_pass=max_per_pass, ladder=ladder)


def _ui(table: Mapping[str, Any]) -> UiSettings:
    _no_extra("ui", table, {"language", "timezone"})
    try:
        language = check_language(table.get("language", DEFAULT_LANGUAGE))
    except ValueError as exc:
        raise ConfigError("ui.language", str(exc)) from None
    timezone = table.get("timezone", DISPLAY_TIMEZONE)
    if not isinstance(timezone, str) or not re.fullmatch(r"[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)*", timezone):
        raise ConfigError("ui.timezone", f"must be a time zone name such as Asia/Jakarta, got {timezone!r}")
    return UiSettings(language=language, timezone=timezone)


def _report(table: Mapping[str, Any]) -> ReportSettings:
    _no_extra("report", table, {"out"})
    out = table.get("out")
    if out is None:
        return ReportSettings()
    if not isinstance(out, str) or not out.strip():
        raise ConfigError("report.out", f"must be a folder path string, got {out!r}")
    return ReportSettings(out=pathlib.Path(out))
