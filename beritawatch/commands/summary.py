"""The per-portal table printed after a pass (by `run` and `demo`), in the configured language."""
from __future__ import annotations

from typing import Any

from beritawatch.i18n import DEFAULT_LANGUAGE, Language, t

COLUMNS = ("portal", "checked", "fetched", "unchanged", "new", "edited", "errors")


def format_summary(summary: dict[str, Any], lang: Language = DEFAULT_LANGUAGE) -> str:
    """The per-portal table printed after a pass, then each failure by name."""
    header = tuple(t(f"cli.{key}", lang) for key in COLUMNS)
    rows: list[tuple[object, ...]] = [header]
    for portal, c in summary["portals"].items():
        rows.append((portal, c["checked"], c["fetched"], c["unchanged"], c["new_articles"],
                     c["new_versions"], c["errors"]))
    if len(rows) == 1:
        rows.append((t("cli.nothing_due", lang), 0, 0, 0, 0, 0, 0))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    lines = ["  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w)
                       for i, (v, w) in enumerate(zip(row, widths, strict=True))) for row in rows]
    lines += [failure_line(*failure) for failure in summary.get("failures", [])]
    return "\n".join(lines)


def failure_line(url: str, outcome: str, error: str | None) -> str:
    return f"! {outcome}: {url}" + (f" ({error})" if error else "")
