"""Dates as portals write them in feeds, sitemaps and index pages, read into aware datetimes.

Portal times without a zone are Jakarta time (WIB, UTC+7): every portal here publishes from Jakarta.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import re
import time

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
_ZONES = {"WIB": WIB, "WITA": dt.timezone(dt.timedelta(hours=8)), "WIT": dt.timezone(dt.timedelta(hours=9)),
          "UTC": dt.timezone.utc, "GMT": dt.timezone.utc, "Z": dt.timezone.utc}
_MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2, "mar": 3, "maret": 3,
    "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7,
    "juli": 7, "july": 7, "agu": 8, "agt": 8, "ags": 8, "agustus": 8, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "okt": 10, "oktober": 10, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "des": 12, "desember": 12, "dec": 12, "december": 12,
}
# "Jumat, 24 Juli 2026 17:25 WIB", "24 Jul 2026, 17.25 WIB", "Senin, 4 Mei 2020"
_INDONESIAN = re.compile(
    r"(?P<d>\d{1,2})\s+(?P<m>[A-Za-z]{3,9})\.?\s+(?P<y>\d{4})"
    r"(?:[,\s|]+(?:pukul\s+)?(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?"
    r"(?:\s*(?P<z>WIB|WITA|WIT|UTC|GMT))?",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"(\d+)\s*(detik|menit|jam|hari|minggu)\s+(?:yang\s+)?lalu", re.IGNORECASE)
_RELATIVE_UNIT = {"detik": 1, "menit": 60, "jam": 3600, "hari": 86400, "minggu": 604800}
_EARLIEST, _LATEST = 1990, 2100  # outside this, a date is a typo or garbage, not news


def _sane(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or not _EARLIEST <= value.year <= _LATEST:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=WIB)


def parse_iso(raw: str | None) -> dt.datetime | None:
    """W3C/ISO 8601 ("2026-07-24T17:16:29+07:00", "2026-07-24", "2026-07-24 09:00:00")."""
    if not raw:
        return None
    text = raw.strip()
    if len(text) > 40:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return _sane(value)


def parse_rfc822(raw: str | None) -> dt.datetime | None:
    """RSS dates ("Fri, 24 Jul 2026 17:25:00 +0700"); a "-0000" or missing zone means WIB."""
    if not raw or len(raw) > 64:
        return None
    try:
        value = email.utils.parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _sane(value)


def parse_indonesian(raw: str | None) -> dt.datetime | None:
    """Dates as Indonesian pages print them ("Jumat, 24 Juli 2026 17:25 WIB")."""
    if not raw:
        return None
    match = _INDONESIAN.search(raw[:200])
    if not match:
        return None
    month = _MONTHS.get(match["m"].lower())
    if month is None:
        return None
    zone = _ZONES[match["z"].upper()] if match["z"] else WIB
    try:
        value = dt.datetime(int(match["y"]), month, int(match["d"]), int(match["H"] or 0),
                            int(match["M"] or 0), int(match["S"] or 0), tzinfo=zone)
    except ValueError:
        return None
    return _sane(value)


def parse_relative(raw: str | None, now: dt.datetime | None) -> dt.datetime | None:
    """"7 menit yang lalu" relative to `now` (None without a `now`: discovery reads no clock)."""
    if not raw or now is None:
        return None
    match = _RELATIVE.search(raw[:200])
    if not match:
        return None
    seconds = min(int(match[1][:9]), 10**6) * _RELATIVE_UNIT[match[2].lower()]
    return _sane(now - dt.timedelta(seconds=seconds))


def parse_unix(raw: str | int | float | None) -> dt.datetime | None:
    """Unix seconds (detik's `d-time`); milliseconds are recognised by their size."""
    try:
        seconds = float(raw)  # type: ignore[arg-type]
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


def parse_any(raw: str | None, parsed: time.struct_time | None = None) -> dt.datetime | None:
    """Any of the above; `parsed` is feedparser's UTC reading, used when ours fails."""
    value = parse_rfc822(raw) or parse_iso(raw) or parse_indonesian(raw)
    if value is None and parsed is not None:
        try:
            value = _sane(dt.datetime(*parsed[:6], tzinfo=dt.timezone.utc))
        except (TypeError, ValueError):
            value = None
    return value
