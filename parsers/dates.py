"""The one Indonesian date reader: ISO 8601, RSS (RFC 822), written dates ("Kamis, 02 Nov 2023 20:59 WIB",
"Kompas.com - 12/06/2025, 09:30 WIB"), relative times ("7 menit yang lalu") and unix seconds, into aware
datetimes. Article parsers, feeds, sitemaps and index pages all read dates here.

Portal times without a zone are Jakarta time (WIB, UTC+7): every portal here publishes from Jakarta.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import re
import time

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
_ZONES = {
    "wib": WIB,
    "wita": dt.timezone(dt.timedelta(hours=8), "WITA"),
    "wit": dt.timezone(dt.timedelta(hours=9), "WIT"),
    "utc": dt.UTC,
    "gmt": dt.UTC,
}
# Indonesian, old Indonesian spellings ("Pebruari", "Nopember") and English, full and short
MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nopember": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
# "Jumat, 24 Juli 2026 17:25 WIB", "24 Jul 2026, 17.25 WIB", "24 Juli 2026 | 11.32 WIB", "4 Mei 2020", "... GMT+7"
_TEXT_DATE = re.compile(
    r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?\s+(?P<year>\d{4})"
    r"(?:[\s,|-]*(?:pukul\s+)?(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?)?"
    r"(?:\s*(?P<tz>WIB|WITA|WIT|UTC|GMT)(?P<off>[+-]\d{1,2})?)?",
    re.I,
)
# detik's dtk:publishdate "2023/11/02 20:59:53", local time
_YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})[/-](?P<month>\d{1,2})[/-](?P<day>\d{1,2})"
    r"(?:[ T](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?\s*$"
)
# Kompas's visible date "12/06/2025, 09:30 WIB": day first, as Indonesians write it
_DAY_FIRST = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}),?\s+(?P<h>\d{1,2})[:.](?P<m>\d{2})"
    r"(?:\s*(?P<tz>WIB|WITA|WIT))?",
    re.I,
)
_RELATIVE = re.compile(r"(\d+)\s*(detik|menit|jam|hari|minggu)\s+(?:yang\s+)?lalu", re.IGNORECASE)
_RELATIVE_UNIT = {"detik": 1, "menit": 60, "jam": 3600, "hari": 86400, "minggu": 604800}
_EARLIEST, _LATEST = 1990, 2100  # outside this, a date is a typo or garbage, not news
_SEARCH_CHARS = 400  # a date sits near the start of the text it is read from


def _sane(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or not _EARLIEST <= value.year <= _LATEST:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=WIB)


_DASHED_TIME = re.compile(r"T\d{2}-\d{2}")


def parse_iso(text: str | None) -> dt.datetime | None:
    """W3C/ISO 8601 ("2026-07-24T17:16:29+07:00", "2026-07-24"); naive ones are read as WIB."""
    if not text:
        return None
    text = text.strip()
    if len(text) > 40 or _DASHED_TIME.search(text):  # detik's malformed pubdate "2023-11-02T20-59-53Z"
        return None
    try:
        return _sane(dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")))
    except ValueError:
        return None


def parse_rfc822(raw: str | None) -> dt.datetime | None:
    """RSS dates ("Fri, 24 Jul 2026 17:25:00 +0700"); a "-0000" or missing zone means WIB."""
    if not raw or len(raw) > 64:
        return None
    try:
        value = email.utils.parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _sane(value)


def _zone(name: str | None, offset: str | None) -> dt.tzinfo:
    zone = _ZONES.get((name or "wib").lower(), WIB)
    if offset and zone is dt.UTC:  # "GMT+7"
        return dt.timezone(dt.timedelta(hours=int(offset)))
    return zone


def parse_text(text: str | None) -> dt.datetime | None:
    """A written date: "Senin, 4 Mei 2020 04:25 WIB", "24 Juli 2026 | 11.32 WIB", "2023/11/02 20:59:53",
    "12/06/2025, 09:30 WIB" (day first)."""
    if not text:
        return None
    text = text[:_SEARCH_CHARS]
    m = _TEXT_DATE.search(text)
    if m:
        month = MONTHS.get(m.group("month").lower())
        if month is None:
            return None
        zone = _zone(m.group("tz"), m.group("off"))
        return _build(m.group("year"), month, m.group("day"), m.group("h"), m.group("m"), m.group("s"), zone)
    m = _YEAR_FIRST.search(text.strip())
    if m:
        return _build(m.group("year"), m.group("month"), m.group("day"), m.group("h"), m.group("m"), m.group("s"), WIB)
    m = _DAY_FIRST.search(text)
    if m:
        zone = _zone(m.group("tz"), None)
        return _build(m.group("year"), m.group("month"), m.group("day"), m.group("h"), m.group("m"), None, zone)
    return None


parse_indonesian = parse_text  # the name discovery reads it by


def _build(year: str, month: int | str, day: str, h: str | None, mi: str | None, s: str | None,
           tz: dt.tzinfo) -> dt.datetime | None:
    try:
        return _sane(dt.datetime(int(year), int(month), int(day), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz))
    except ValueError:
        return None


def parse_relative(raw: str | None, now: dt.datetime | None) -> dt.datetime | None:
    """"7 menit yang lalu", "2 jam lalu" relative to `now` (None without a `now`: discovery reads no clock)."""
    if not raw or now is None:
        return None
    match = _RELATIVE.search(raw[:_SEARCH_CHARS])
    if not match:
        return None
    seconds = min(int(match[1][:9]), 10**6) * _RELATIVE_UNIT[match[2].lower()]
    return _sane(now - dt.timedelta(seconds=seconds))


def parse_unix(raw: str | int | float | None) -> dt.datetime | None:
    """Unix seconds (detik's `d-time`); milliseconds are recognised by their size."""
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        return None
    if seconds != seconds or seconds <= 0:  # NaN or nonsense
        return None
    if seconds > 1e11:
        seconds /= 1000
    try:
        return _sane(dt.datetime.fromtimestamp(seconds, WIB))
    except (OverflowError, OSError, ValueError):
        return None


def parse_any(text: str | None, parsed: time.struct_time | None = None) -> dt.datetime | None:
    """ISO, then RFC 822, then a written date; `parsed` is feedparser's UTC reading, used when ours fails."""
    value = parse_iso(text) or parse_rfc822(text) or parse_text(text)
    if value is None and parsed is not None:
        try:
            value = _sane(dt.datetime(*parsed[:6], tzinfo=dt.UTC))
        except (TypeError, ValueError):
            value = None
    return value
