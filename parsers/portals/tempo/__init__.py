"""tempo.co: www. (Nuxt, 2024+: /{rubrik}/{slug}-{id}) and the older {rubrik}.tempo.co/read/{id}/{slug}."""
from __future__ import annotations

import pathlib
import re

from parsers.pack import (
    COMMON_MEDIA,
    SLUG,
    Identity,
    MediaShape,
    Pack,
    Pagination,
    Selectors,
    Source,
    host_pattern,
    segment,
    www_host,
)
from parsers.portals.tempo import parse

DOMAIN = "tempo.co"
_READ = re.compile(r"^/(?P<kind>read|amp)/(?P<id>\d+)(?P<slug>/[^/]+)?$")
# 2024+: /{rubric}/{slug}-{id}. Ids of 5+ digits; a shorter id only after a double hyphen
# ("...-pemerintah--7403", seen in 2024-25), so a year ending a listing slug ("pemilu-2024") is no id.
_NUXT = re.compile(r"^/(?P<rubric>[a-z][\w-]*)/(?P<slug>[\w-]*?(?:[^\W_]-(?P<id>\d{5,})|--(?P<short>\d+)))$")
_LISTINGS = frozenset({"tag", "topik", "indeks", "search", "penulis", "kanal", "rubrik"})


def identify(host: str, path: str) -> Identity | None:
    """tempo:{id}: one numbering across both generations (the 2024+ address of an old article ends
    in its old /read/ id, and en.tempo.co still serves /read/ ids in the same range in 2025)."""
    host = www_host(host, DOMAIN)
    m = _READ.match(path)
    if m:
        slug = m.group("slug") or ""
        return host, f"/read/{m.group('id')}{slug}", f"tempo:{int(m.group('id'))}", bool(slug)
    m = _NUXT.match(path)
    if m and m.group("rubric") not in _LISTINGS:
        return host, path, f"tempo:{int(m.group('id') or m.group('short'))}", True
    return None


PACK = Pack(
    name="tempo",
    domain=DOMAIN,
    hosts=("www.tempo.co", "dunia.tempo.co", "en.tempo.co", "nasional.tempo.co"),
    parse=parse.parse,
    regions=parse.REGIONS,
    selectors=Selectors(title=parse.TITLE, body=(*parse.NUXT_BODY, *parse.OLD_BODY), noise=parse.NOISE,
                        authors=(*parse.NUXT_AUTHORS, *parse.OLD_AUTHORS), date=(*parse.NUXT_DATE, *parse.OLD_DATE)),
    identify=identify,
    article_paths=(
        re.compile(rf"^/read/\d{{4,}}/{SLUG}/?$"),  # before 2024: {rubrik}.tempo.co/read/{id}/{slug}
        # 2024+: /{rubrik}/{slug}-{id}; short ids come after a double hyphen ("...-senjata--7403"),
        # which keeps year-ending section pages ("/politik/pemilu-2024") out
        re.compile(r"^(?:/[a-z0-9-]+){1,2}/[a-z0-9-]*[a-z0-9](?:-\d{5,}|--\d{1,})/?$"),
    ),
    media=(
        MediaShape("video", host=host_pattern(r"(?:video|tv)\.tempo\.co")),
        MediaShape("gallery", path=segment("galeri", "gallery")),
        *COMMON_MEDIA,
    ),
    sources=(
        Source("https://www.tempo.co/api/gateway/rss/free/internasional", "rss", 15, 30,
               "well-formed RSS 2.0 fetched daily by a public project 2025-06..2026-06 (rss.tempo.co has no "
               "2024-26 evidence); foreign affairs carries the North Korea-Russia stories"),
        Source("https://www.tempo.co/internasional/_payload.json", "payload", 60, 30,
               "the rubric's Nuxt payload (a 2026 crawler read /politik and /ekonomi this way); a backup for the RSS"),
    ),
    dates=("Selasa, 5 September 2023 16:30 WIB", "5 September 2023 | 16.30 WIB"),
    # only the old /read/ template paginates (`?page=N`)
    pagination=Pagination("query", links=parse.OLD_PAGE_LINKS),
    folder=pathlib.Path(__file__).parent,
    examples=(
        ("https://dunia.tempo.co/read/1768245/klaim-putin", "tempo:1768245"),
        ("https://www.tempo.co/internasional/klaim-putin-1768245", "tempo:1768245"),
        ("https://www.tempo.co/ekonomi/harga-beras--7403", "tempo:7403"),
    ),
)
