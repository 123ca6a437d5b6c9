"""The [stories] config table: grouping window, candidate budget, and how joined members alert."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any


class StorySettingsError(ValueError):
    """A bad [stories] value; `key` names it (e.g. "stories.window_hours")."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key, self.problem = key, problem


@dataclasses.dataclass(frozen=True, slots=True)
class StorySettings:
    enabled: bool = True  # group articles into stories at all
    window_hours: float = 72.0  # two articles further apart than this are never one story
    group_alerts: bool = True  # later members: one "juga di" follow-up per pass, not one [Baru] each
    max_candidates: int = 30  # articles compared per new article (found through the index)

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(hours=self.window_hours)


_KEYS = {"enabled", "window_hours", "group_alerts", "max_candidates"}


def story_settings(table: Mapping[str, Any]) -> StorySettings:
    """Validate the [stories] table (every key optional)."""
    extra = set(table) - _KEYS
    if extra:
        raise StorySettingsError(f"stories.{sorted(extra)[0]}", f"unknown key (known: {', '.join(sorted(_KEYS))})")
    defaults = StorySettings()
    values: dict[str, Any] = {}
    for name in ("enabled", "group_alerts"):
        value = table.get(name, getattr(defaults, name))
        if not isinstance(value, bool):
            raise StorySettingsError(f"stories.{name}", f"must be true or false, got {value!r}")
        values[name] = value
    window = table.get("window_hours", defaults.window_hours)
    if isinstance(window, bool) or not isinstance(window, int | float) or not 1 <= window <= 24 * 30:
        raise StorySettingsError("stories.window_hours", f"must be a number of hours from 1 to 720, got {window!r}")
    values["window_hours"] = float(window)
    limit = table.get("max_candidates", defaults.max_candidates)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 500:
        raise StorySettingsError("stories.max_candidates", f"must be a whole number from 1 to 500, got {limit!r}")
    values["max_candidates"] = limit
    return StorySettings(**values)
