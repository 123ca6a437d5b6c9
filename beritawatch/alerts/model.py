"""The alert record: what happened to which article, as the outbox stores it (JSON)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast, get_args

AlertKind = Literal["new", "edit", "removed", "restored", "health", "digest", "story"]
EditKind = Literal["minor", "substantive", "rewrite"]

ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)
EDIT_KINDS: tuple[EditKind, ...] = get_args(EditKind)
SCHEMA_VERSION = 1

# Printable ASCII without spaces: safe in an HTTP or e-mail header and in a SQL key column.
_KEY_RE = re.compile(r"[!-~]{1,256}")


@dataclasses.dataclass(frozen=True, slots=True)
class ChangedPair:
    """A sentence that an edit replaced: the old wording and the new one."""

    old: str
    new: str


@dataclasses.dataclass(frozen=True, slots=True)
class Alert:
    """One thing an analyst should hear about. Text fields hold scraped, untrusted text."""

    kind: AlertKind
    dedupe_key: str  # stable across retries, e.g. "edit:<article id>:<version>"; printable ASCII
    portal: str = ""
    url: str = ""
    title: str = ""
    published: dt.datetime | None = None  # timezone-aware
    summary: str = ""  # lead of a new article, reason of a removal, description of a health problem
    added: tuple[str, ...] = ()  # edit: sentences the new version added
    removed: tuple[str, ...] = ()  # edit: sentences the new version dropped
    changed: tuple[ChangedPair, ...] = ()  # edit: sentences reworded (old -> new)
    old_title: str = ""  # edit: the title before the edit, when the edit changed it
    edit_kind: EditKind | None = None
    relevance: float | None = None  # an edit: the edit's own topic score (relevance.score_edit)
    article_relevance: float | None = None  # an edit: the whole article's score after it
    matched_terms: tuple[str, ...] = ()
    details_url: str = ""  # where the full diff can be read when a message must be shortened
    items: tuple[Alert, ...] = ()  # digest only: the alerts it summarises

    def __post_init__(self) -> None:
        # Accept lists from callers and from JSON, store tuples so the record stays hashable.
        for name in ("added", "removed", "matched_terms"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        # Anything with `.old` and `.new` (such as changes.ChangedSentence) becomes a ChangedPair.
        if not isinstance(self.changed, tuple) or not all(isinstance(p, ChangedPair) for p in self.changed):
            object.__setattr__(self, "changed", tuple(_pair(p) for p in self.changed))
        if not isinstance(self.items, tuple):
            object.__setattr__(self, "items", tuple(self.items))
        self._validate()

    def _validate(self) -> None:
        if self.kind not in ALERT_KINDS:
            raise ValueError(f"unknown alert kind {self.kind!r}; expected one of {ALERT_KINDS}")
        if not isinstance(self.dedupe_key, str) or not _KEY_RE.fullmatch(self.dedupe_key):
            raise ValueError("dedupe_key must be 1-256 printable ASCII characters without spaces")
        if self.published is not None and self.published.utcoffset() is None:
            raise ValueError("published must be timezone-aware")
        if self.edit_kind is not None and self.edit_kind not in EDIT_KINDS:
            raise ValueError(f"unknown edit kind {self.edit_kind!r}; expected one of {EDIT_KINDS}")
        self._validate_fields()
        if self.items and self.kind != "digest":
            raise ValueError("only a digest alert carries items")
        if any(item.kind == "digest" for item in self.items):
            raise ValueError("a digest cannot contain another digest")

    def _validate_fields(self) -> None:
        """Scores are finite numbers; text fields are strings, and so are list items."""
        for name in ("relevance", "article_relevance"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number")
        for name in ("portal", "url", "title", "summary", "details_url", "old_title"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a string")
        for name in ("added", "removed", "matched_terms"):
            if not all(isinstance(s, str) for s in getattr(self, name)):
                raise TypeError(f"{name} must hold strings")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601); `from_json` reads it back."""
        out: dict[str, Any] = {"v": SCHEMA_VERSION}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "published":
                value = value.isoformat() if value is not None else None
            elif field.name == "changed":
                value = [[pair.old, pair.new] for pair in value]
            elif field.name == "items":
                value = [item.to_json() for item in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[field.name] = value
        return out

    def dumps(self) -> str:
        """The alert as a compact JSON string."""
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str | bytes) -> Alert:
        """Read an alert written by `to_json` (a dict) or `dumps` (a string).

        Unknown keys are ignored so an older reader survives fields added later.
        """
        raw: Any = json.loads(data) if isinstance(data, str | bytes) else data
        if not isinstance(raw, Mapping):
            raise ValueError("an alert must be a JSON object")
        version = raw.get("v", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise ValueError(f"unsupported alert schema version {version!r}")
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {k: v for k, v in raw.items() if k in names}
        if "kind" not in kwargs or "dedupe_key" not in kwargs:
            raise ValueError("an alert needs 'kind' and 'dedupe_key'")
        published = kwargs.get("published")
        if published is not None:
            kwargs["published"] = dt.datetime.fromisoformat(cast(str, published))
        kwargs["changed"] = tuple(_pair(p) for p in kwargs.get("changed", ()))
        kwargs["items"] = tuple(cls.from_json(i) for i in kwargs.get("items", ()))
        for name in ("relevance", "article_relevance"):
            if kwargs.get(name) is not None:
                kwargs[name] = float(kwargs[name])
        return cls(**kwargs)


def _pair(value: object) -> ChangedPair:
    """A ChangedPair from a ChangedPair, an object with .old/.new, a mapping or an (old, new) pair."""
    if isinstance(value, ChangedPair):
        return value
    if isinstance(value, Mapping):
        old, new = value["old"], value["new"]
    elif hasattr(value, "old") and hasattr(value, "new"):
        old, new = value.old, value.new
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        old, new = value
    else:
        raise TypeError(f"cannot read a changed sentence pair from {type(value).__name__}")
    if not isinstance(old, str) or not isinstance(new, str):
        raise TypeError("a changed sentence pair holds two strings")
    return ChangedPair(old=old, new=new)
