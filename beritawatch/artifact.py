"""The Prefect markdown artifact of a pass: counts per portal, new coverage, edits, removals,
failures by outcome, discovery and delivery.

Titles, URLs, summaries and error texts come from scraped pages or remote servers: they are
escaped for Markdown and HTML (a title like `[x](javascript:...)` or `<script>` shows as text),
kept on one line so they cannot break a table, and a URL becomes a link only when it is plain
http(s).
"""
from __future__ import annotations

import collections
import dataclasses
import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, cast
from urllib.parse import quote, urlsplit

from beritawatch.i18n import DEFAULT_LANGUAGE, MESSAGES, Language, t
from beritawatch.urls import is_plain_web_url

ARTIFACT_KEY = "beritawatch-pass"
MAX_ITEMS = 30  # per list; the rest is counted
MAX_EXAMPLES = 5  # URLs shown per failure outcome
MAX_TEXT = 240

COUNT_COLUMNS = ("checked", "fetched", "unchanged", "new_articles", "new_versions", "reverts", "held", "removed",
                 "errors")  # each titled by its "art.col.<name>" message
REMOVAL_KINDS = ("removed", "restored", "removal_suspected")

_log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=])")  # would open a list or heading at a line start
_URL_SAFE = "-._~:/?#@!$&'*+,;=%"  # everything else (brackets, pipes, spaces ...) percent-encoded


def md_text(value: object, limit: int = MAX_TEXT) -> str:
    """Untrusted text as inert Markdown: one line, cut to `limit`, HTML and Markdown escaped."""
    text = " ".join(_CONTROL.sub(" ", "" if value is None else str(value)).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # Untrusted text may begin a list item's content, where "1." or "-" would nest a list.
    return _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", text)


def md_url(url: object) -> str | None:
    """A plain absolute http(s) URL made safe as a Markdown link destination; None otherwise."""
    return quote(str(url), safe=_URL_SAFE) if is_plain_web_url(url) else None


def md_link(url: object, text: object | None = None) -> str:
    """`[text](url)` for a safe URL; otherwise the text (or the URL) as plain escaped text."""
    label = md_text(text if text else url, 120)
    target = md_url(url)
    return f"[{label}]({target})" if target else label


def _short(url: object) -> str:
    """A readable link text for a URL: host and the end of the path."""
    if not isinstance(url, str):
        return str(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    tail = path.rsplit("/", 1)[-1] if path else ""
    return f"{parts.hostname or ''}/…/{tail}" if tail and path.count("/") > 1 else f"{parts.hostname or ''}{path}"


def _int(value: object) -> int:
    if not isinstance(value, (int, float, str, bytes)):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _rows(value: object) -> list[Sequence[Any]]:
    """The list-of-lists fields of a summary, tolerating a missing or malformed field."""
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, (list, tuple))]


def _triples(value: object) -> list[tuple[Any, Any, Any]]:
    """The summary's three-field rows, a short row padded with None."""
    return [(_field(row, 0), _field(row, 1), _field(row, 2)) for row in _rows(value)]


class NewArticleLine(NamedTuple):
    url: Any
    title: Any
    relevant: Any


class EditLine(NamedTuple):
    url: Any
    kind: Any
    summary: Any


class EventLine(NamedTuple):
    kind: Any
    target: Any  # an article URL, or a portal name
    text: Any


class FailureLine(NamedTuple):
    url: Any
    outcome: Any
    error: Any


@dataclasses.dataclass(frozen=True, slots=True)
class PassLines:
    """The lists of a pass summary (`PassResult.to_json()`) with named fields; values may be
    anything (the summary is read back from JSON), so every use escapes them."""

    new_articles: list[NewArticleLine]
    edits: list[EditLine]
    removals: list[EventLine]
    other_events: list[EventLine]
    failures: list[FailureLine]

    @classmethod
    def of(cls, summary: Mapping[str, Any]) -> PassLines:
        events = [EventLine(*row) for row in _triples(summary.get("events"))]
        return cls(new_articles=[NewArticleLine(*row) for row in _triples(summary.get("new_articles"))],
                   edits=[EditLine(*row) for row in _triples(summary.get("edits"))],
                   removals=[e for e in events if e.kind in REMOVAL_KINDS],
                   other_events=[e for e in events if e.kind not in REMOVAL_KINDS],
                   failures=[FailureLine(*row) for row in _triples(summary.get("failures"))])


def _field(row: Sequence[Any], i: int) -> Any:
    return row[i] if len(row) > i else None


def _more(shown: int, total: int, lang: Language) -> list[str]:
    return [f"- {t('art.more', lang, n=total - shown)}"] if total > shown else []


def _list_end(items: Sequence[object], lang: Language, *, empty: bool = True) -> list[str]:
    """The "… and N more" line of a cut list, or "None." for an empty one (when `empty`)."""
    more = _more(min(len(items), MAX_ITEMS), len(items), lang)
    return more or ([] if items or not empty else [t("art.none", lang)])


def _kind(prefix: str, kind: object, lang: Language) -> str:
    """An edit or event kind as a person reads it (`edit.minor` → "kecil"), else the word itself."""
    key = f"{prefix}.{kind}"
    return t(key, lang) if key in MESSAGES else str(kind).replace("_", " ")


def _portals(summary: Mapping[str, Any]) -> Mapping[str, Any]:
    portals = summary.get("portals")
    return portals if isinstance(portals, Mapping) else {}


def _totals(summary: Mapping[str, Any]) -> dict[str, int]:
    totals = collections.Counter[str]()
    for counts in _portals(summary).values():
        if isinstance(counts, Mapping):
            for key in COUNT_COLUMNS:
                totals[key] += _int(counts.get(key))
    return dict(totals)


def pass_markdown(summary: Mapping[str, Any], lang: Language = DEFAULT_LANGUAGE) -> str:
    """The artifact's Markdown for one pass summary (`PassResult.to_json()` plus run_id, delivery),
    its words in `lang` (`[ui] language`)."""
    lines = PassLines.of(summary)
    out = [f"# {t('art.title', lang)}", "", _headline(summary, lines, lang)]
    out += _portal_table(summary, lang)
    out += _new_coverage(lines.new_articles, lang)
    out += _edits(lines.edits, lang)
    out += _removals(lines.removals, lang)
    out += _other_events(lines.other_events, lang)
    out += ["", f"## {t('art.failure_list', lang, n=len(lines.failures))}", ""]
    out += _failures(lines.failures, lang) or [t("art.none", lang)]
    out += _discovery(summary.get("discovery"), lang)
    out += _delivery(summary.get("delivery"), lang)
    return "\n".join(out) + "\n"


def _headline(summary: Mapping[str, Any], lines: PassLines, lang: Language) -> str:
    run_id, totals = summary.get("run_id"), _totals(summary)
    return " · ".join([
        t("art.run", lang, run=md_text(run_id, 64)) if run_id else t("art.no_run", lang),
        t("art.checked", lang, n=totals.get("checked", 0)),
        t("art.new", lang, n=len(lines.new_articles), relevant=sum(1 for a in lines.new_articles if a.relevant)),
        t("art.edits", lang, n=len(lines.edits)),
        t("art.removals", lang, n=sum(1 for e in lines.removals if e.kind == "removed")),
        t("art.failures", lang, n=len(lines.failures)),
        t("art.alerts", lang, n=_int(summary.get("alerts")))])


def _portal_table(summary: Mapping[str, Any], lang: Language) -> list[str]:
    totals = _totals(summary)
    titles = [t(f"art.col.{key}", lang) for key in ("portal", *COUNT_COLUMNS, "outcomes")]
    lines = ["", f"## {t('art.per_portal', lang)}", "",
             "| " + " | ".join(titles) + " |",
             "|---|" + "---:|" * len(COUNT_COLUMNS) + "---|"]
    for name, counts in sorted(_portals(summary).items(), key=lambda item: str(item[0])):
        if not isinstance(counts, Mapping):
            continue
        raw = counts.get("outcomes")
        outcomes: Mapping[Any, Any] = raw if isinstance(raw, Mapping) else {}
        spread = ", ".join(f"{md_text(k, 40)} {_int(v)}"
                           for k, v in sorted(outcomes.items(), key=lambda kv: str(kv[0])))
        lines.append(f"| {md_text(name, 40)} | " + " | ".join(str(_int(counts.get(key))) for key in COUNT_COLUMNS)
                     + f" | {spread or '—'} |")
    lines.append(f"| **{t('art.total', lang)}** | " + " | ".join(f"**{totals.get(key, 0)}**" for key in COUNT_COLUMNS)
                 + " | |")
    return lines


def _new_coverage(articles: Sequence[NewArticleLine], lang: Language) -> list[str]:
    lines = ["", f"## {t('art.coverage', lang, n=len(articles))}", ""]
    ordered = sorted(articles, key=lambda a: not a.relevant)  # relevant first, stable
    for article in ordered[:MAX_ITEMS]:
        mark = t("art.relevant" if article.relevant else "art.not_relevant", lang)
        lines.append(f"- {md_link(article.url, article.title or _short(article.url))} · {mark}")
    return lines + _list_end(ordered, lang)


def _edits(edits: Sequence[EditLine], lang: Language) -> list[str]:
    lines = ["", f"## {t('art.edit_list', lang, n=len(edits))}", ""]
    for edit in edits[:MAX_ITEMS]:
        kind, text = edit.kind, str(edit.summary or "")
        label = _kind("edit", kind, lang)
        for said in (str(kind), label):
            if text.startswith(f"{said}: "):
                text = text[len(said) + 2:]  # the summary repeats the kind shown before it
                break
        lines.append(f"- **{md_text(label, 30)}** {md_link(edit.url, _short(edit.url))}: {md_text(text)}")
    return lines + _list_end(edits, lang)


def _removals(removals: Sequence[EventLine], lang: Language) -> list[str]:
    lines = ["", f"## {t('art.removal_list', lang, n=len(removals))}", ""]
    for event in removals[:MAX_ITEMS]:
        label = _kind("status", event.kind, lang)
        lines.append(f"- **{md_text(label, 30)}** {md_link(event.target, _short(event.target))}"
                     + (f": {md_text(event.text)}" if event.text else ""))
    return lines + _list_end(removals, lang)


def _other_events(events: Sequence[EventLine], lang: Language) -> list[str]:
    if not events:
        return []
    lines = ["", f"## {t('art.other_events', lang, n=len(events))}", ""]
    for event in events[:MAX_ITEMS]:
        target = event.target
        where = md_link(target, _short(target)) if md_url(target) else md_text(target, 80)
        lines.append(f"- **{md_text(_kind('status', event.kind, lang), 30)}** {where}"
                     + (f": {md_text(event.text)}" if event.text else ""))
    return lines + _list_end(events, lang, empty=False)


def _failures(failures: Sequence[FailureLine], lang: Language) -> list[str]:
    by_outcome: dict[str, list[FailureLine]] = collections.defaultdict(list)
    for failure in failures:
        by_outcome[str(failure.outcome or "unknown")].append(failure)
    lines = ["| " + " | ".join(t(f"art.col.{c}", lang) for c in ("outcome", "count", "examples")) + " |",
             "|---|---:|---|"]
    for outcome, rows in sorted(by_outcome.items(), key=lambda item: (-len(item[1]), item[0])):
        examples = [md_link(row.url, _short(row.url)) + (f" ({md_text(row.error, 120)})" if row.error else "")
                    for row in rows[:MAX_EXAMPLES]]
        if len(rows) > MAX_EXAMPLES:
            examples.append(t("art.more", lang, n=len(rows) - MAX_EXAMPLES))
        lines.append(f"| {md_text(outcome, 60)} | {len(rows)} | {'; '.join(examples)} |")
    return lines if by_outcome else []


def _discovery(discovery: object, lang: Language) -> list[str]:
    if not isinstance(discovery, Mapping):
        return []
    counts = " · ".join(f"{md_text(str(key).replace('_', ' '), 30)} **{_int(value)}**"
                        for key, value in discovery.items() if not isinstance(value, (list, dict)))
    lines = ["", f"## {t('art.discovery', lang)}", "", counts or t("art.no_discovery", lang)]
    problems = _rows(discovery.get("failures"))
    for row in problems[:MAX_ITEMS]:
        lines.append("- " + " · ".join(md_link(v, _short(v)) if md_url(v) else md_text(v, 160) for v in row))
    lines += _more(min(len(problems), MAX_ITEMS), len(problems), lang)
    return lines


def _delivery(delivery: object, lang: Language) -> list[str]:
    heading = f"## {t('art.delivery', lang)}"
    if not isinstance(delivery, Mapping):
        return ["", heading, "", t("art.no_delivery", lang)]
    lines = ["", heading, "", " · ".join(
        t(f"art.{key}", lang, n=_int(delivery.get(key)))
        for key in ("planned", "sent", "retried_later", "failed", "unknown_targets"))]
    errors = _rows(delivery.get("errors"))
    if errors:
        lines.append("")
    for target, key, error in (tuple(row[:3]) + (None,) * (3 - len(row[:3])) for row in errors[:MAX_ITEMS]):
        # Target ids are already redacted by the outbox; escaped here like any other text.
        lines.append(f"- {md_text(target, 120)} · {md_text(key, 80)}: {md_text(error)}")
    lines += _more(min(len(errors), MAX_ITEMS), len(errors), lang)
    return lines


def pass_description(summary: Mapping[str, Any], lang: Language = DEFAULT_LANGUAGE) -> str:
    """A one-line description built from counts only (no scraped text)."""
    totals = _totals(summary)
    return t("art.description", lang, checked=totals.get("checked", 0), new=totals.get("new_articles", 0),
             edited=totals.get("new_versions", 0), removed=totals.get("removed", 0),
             failures=len(_rows(summary.get("failures"))))


def publish_pass_artifact(summary: Mapping[str, Any], lang: Language = DEFAULT_LANGUAGE) -> uuid.UUID | None:
    """Publish the pass's markdown artifact under key `beritawatch-pass`; return its id, or None
    (logged) when anything goes wrong: a missing artifact never fails a pass."""
    try:
        from prefect.artifacts import create_markdown_artifact

        # _sync: the sync path even when called from inside an event loop (Prefect's async_dispatch).
        made = create_markdown_artifact(markdown=pass_markdown(summary, lang), key=ARTIFACT_KEY,
                                        description=pass_description(summary, lang), _sync=True)  # type: ignore[call-arg]
        return cast(uuid.UUID, made)  # _sync=True: never the coroutine of the async variant
    except Exception as exc:  # noqa: BLE001 - reporting must not break the pass
        _logger().warning("could not publish the pass artifact: %s: %s", type(exc).__name__,
                          str(exc)[:300])
        return None


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    try:
        from prefect.logging import get_run_logger

        return get_run_logger()
    except Exception:  # noqa: BLE001 - outside a flow or task run
        return _log
