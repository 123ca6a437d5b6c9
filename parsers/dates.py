"""Timezone-aware datetimes from ISO strings and Indonesian date texts ("Kamis, 02 Nov 2023 20:59 WIB")."""
from __future__ import annotations

import datetime as dt
import re

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
_ZONES = {
    "wib": WIB,
    "wita": dt.timezone(dt.timedelta(hours=8), "WITA"),
    "wit": dt.timezone(dt.timedelta(hours=9), "WIT"),
    "utc": dt.timezone.utc,
    "gmt": dt.timezone.utc,
}
MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
_TEXT_DATE = re.compile(
    r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?\s+(?P<year>\d{4})"
    r"(?:\s*[|,-]?\s*(?:pukul\s+)?(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?)?"
    r"(?:\s*(?P<tz>WIB|WITA|WIT|UTC|GMT)(?P<off>[+-]\d{1,2})?)?",
    re.I,
)
_NUMERIC = re.compile(
    r"(?P<year>\d{4})[/-](?P<month>\d{1,2})[/-](?P<day>\d{1,2})"
    r"(?:[ T](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?\s*$"
)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=WIB)


def parse_iso(text: str | None) -> dt.datetime | None:
    """An ISO 8601 timestamp; naive ones are read as WIB (the portals' local time)."""
    if not text:
        return None
    text = text.strip()
    if re.search(r"T\d{2}-\d{2}", text):  # detik's malformed pubdate "2023-11-02T20-59-53Z"
        return None
    try:
        return _aware(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def parse_text(text: str | None) -> dt.datetime | None:
    """An Indonesian (or English) written date: "Senin, 4 Mei 2020 04:25 WIB", "24 Juli 2026 | 11.32 WIB"."""
    if not text:
        return None
    m = _TEXT_DATE.search(text)
    if m:
        month = MONTHS.get(m.group("month").lower())
        if month is None:
            return None
        tz = _ZONES.get((m.group("tz") or "wib").lower(), WIB)
        if m.group("off") and tz is dt.timezone.utc:
            tz = dt.timezone(dt.timedelta(hours=int(m.group("off"))))
        return _build(m.group("year"), month, m.group("day"), m.group("h"), m.group("m"), m.group("s"), tz)
    m = _NUMERIC.search(text.strip())
    if m:  # detik's dtk:publishdate "2023/11/02 20:59:53", local time
        return _build(m.group("year"), m.group("month"), m.group("day"), m.group("h"), m.group("m"), m.group("s"), WIB)
    return None


def _build(year: str, month: int | str, day: str, h: str | None, mi: str | None, s: str | None,
           tz: dt.tzinfo) -> dt.datetime | None:
    try:
        return dt.datetime(int(year), int(month), int(day), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz)
    except ValueError:
        return None


def parse_any(text: str | None) -> dt.datetime | None:
    """ISO first, then a written date."""
    return parse_iso(text) or parse_text(text)
