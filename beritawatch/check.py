"""Checking one tracked article: fetch (conditionally), parse, follow its other pages, merge."""
from __future__ import annotations

import asyncio
import codecs
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import zstandard

import parsers
from beritawatch.changes import content_hash
from beritawatch.fetch import FETCH_ERROR, NOT_MODIFIED, Fetcher, FetchResult
from beritawatch.parse_memo import Memo, PageReader
from beritawatch.urls import portal_of
from parsers.decode import charset_codec
from parsers.media import MEDIA

# What a check ended as (one per article per pass).
UNCHANGED_304 = "not_modified"
PARSED = "parsed"
FETCH_FAILED = "fetch_failed"
NOT_ARTICLE = "not_article"
PARSE_FAILED = "parse_failed"
MAX_PAGES = 12  # a longer pagination chain is almost certainly a parser mistake

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32 BOMs start with these too
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{1,40})""", re.I)


@dataclasses.dataclass(frozen=True, slots=True)
class DueArticle:
    """A tracked article a pass should check, with the validators of its last fetch."""

    url: str
    portal: str | None
    etag: str | None = None
    last_modified: str | None = None
    current_hash: str | None = None  # content hash of the stored current version
    memo: bytes | None = dataclasses.field(default=None, repr=False)  # its stored parses (`parse_memo`)


@dataclasses.dataclass(frozen=True, slots=True)
class CheckResult:
    """Everything one check learned: every fetch, the merged article, the raw pages."""

    due: DueArticle
    outcome: str
    fetches: tuple[FetchResult, ...]
    article: parsers.Article | None = None
    pages: tuple[tuple[str, bytes], ...] = ()  # (url, HTML as parsed; see `page_bytes`)
    error: str | None = None
    packed: bool = False  # `pages` hold zstd frames (see `slim`)
    pages_seen: int | None = None  # how many pages were parsed, when `pages` was emptied
    dictionary: bytes | None = None  # the raw-content zstd dictionary `pages` were packed with
    content_hash: str | None = None  # of the parsed article's title and body (None: not computed yet)
    memo: Memo | None = dataclasses.field(default=None, repr=False)  # parses to remember, when they changed
    reused_pages: int = 0  # pages whose article came from the memo, not from a parse
    identical_pages: int = 0  # ... of which byte-identical to the remembered page (not even cut)

    @property
    def first_fetch(self) -> FetchResult:
        return self.fetches[0]

    @property
    def page_count(self) -> int:
        return self.pages_seen if self.pages_seen is not None else len(self.pages)

    def raw_pages(self) -> list[tuple[str, bytes]]:
        """The pages as parsed (unpacked when `slim` packed them)."""
        if not self.packed:
            return list(self.pages)
        if self.dictionary is None:
            unpack = zstandard.ZstdDecompressor()
        else:
            unpack = zstandard.ZstdDecompressor(dict_data=_raw_dict(self.dictionary))
        return [(url, unpack.decompress(html)) for url, html in self.pages]


def is_media(result: CheckResult) -> bool:
    """Whether the check found a media page (video, web story ...), not an article."""
    reason = result.article.not_article if result.outcome == NOT_ARTICLE and result.article else None
    return reason is not None and reason.startswith(MEDIA)


def _raw_dict(content: bytes) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(content, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


class PagePacker:
    """Packs one portal's pages for the wait until the store step: the first page becomes a zstd
    dictionary for the others (a portal's pages share most of their bytes: ~6 KB each instead of
    ~33 KB with plain zstd). One per thread: zstandard compressors must not be shared."""

    def __init__(self) -> None:
        self.dictionary: bytes | None = None
        self._packer: zstandard.ZstdCompressor | None = None

    def pack(self, pages: tuple[tuple[str, bytes], ...]) -> tuple[tuple[tuple[str, bytes], ...], bytes | None]:
        """(packed pages, the dictionary they need)."""
        if self._packer is None:
            self.dictionary = pages[0][1]
            self._packer = zstandard.ZstdCompressor(level=3, dict_data=_raw_dict(self.dictionary))
        # bytes() copies out of zstd's worst-case-sized buffer
        return tuple((url, bytes(self._packer.compress(html))) for url, html in pages), self.dictionary


def slim(result: CheckResult, packer: PagePacker | None = None) -> CheckResult:
    """A check result that holds little memory until the store step: fetched bodies released, raw
    pages dropped when the content equals the stored current version (they would not be
    stored), else zstd-packed (with `packer`'s dictionary, when given)."""
    fetches = tuple(f.released() for f in result.fetches)
    if not result.pages or result.packed:
        return dataclasses.replace(result, fetches=fetches)
    article = result.article
    # The hash is kept so the store step (one thread, after every check) need not compute it again.
    digest = result.content_hash
    if digest is None and result.outcome == PARSED and article:
        digest = content_hash(article.title, article.body)
    if digest is not None and digest == result.due.current_hash:
        return dataclasses.replace(result, fetches=fetches, pages=(), pages_seen=len(result.pages),
                                   content_hash=digest)
    if packer is not None:
        packed, dictionary = packer.pack(result.pages)
        return dataclasses.replace(result, fetches=fetches, pages=packed, packed=True, dictionary=dictionary,
                                   content_hash=digest)
    # A compressor per call: zstandard compressors must not be shared between threads (the
    # check-portal tasks run in threads); bytes() copies out of zstd's worst-case-sized buffer.
    plain = zstandard.ZstdCompressor(level=3)
    pages = tuple((url, bytes(plain.compress(html))) for url, html in result.pages)
    return dataclasses.replace(result, fetches=fetches, pages=pages, packed=True, content_hash=digest)


def _ascii_compatible(codec: str) -> bool:
    return "<a".encode(codec, "replace") == b"<a"


def _single_byte(codec: str) -> bool:
    # Multi-byte charsets (Shift_JIS, GBK, EUC-KR, Big5, UTF-16) read these two bytes as one character.
    return not codec.startswith("utf") and len(b"\xe9\xe9".decode(codec, "replace")) == 2


def page_bytes(fetch: FetchResult) -> bytes:
    """The fetched page as the parsers should read it, applying the HTTP charset.

    The parsers sniff a BOM, then `<meta charset>`, then UTF-8 validity; they never see the
    Content-Type header. The HTML spec puts the header above the meta, so when the header names a
    charset that the page's own bytes would not lead the parsers to, the page is handed over
    transcoded to UTF-8 with a BOM (which the parsers, and a later `reparse` of the stored page,
    read first). Exceptions to "header wins": a BOM; bytes that are not valid in the header's
    charset (the header is wrong: sniff); and valid non-ASCII UTF-8 under a single-byte label
    (a server default such as ISO-8859-1 sent for a UTF-8 page).
    """
    content = fetch.content or b""
    codec = fetch.charset
    if codec is None or content.startswith(_BOMS):
        return content
    ascii_safe = _ascii_compatible(codec)
    if ascii_safe and content.isascii():
        return content  # every ASCII-compatible charset reads ASCII the same
    if codec == "utf-8":  # the usual header: only a <meta> naming another charset needs the validity test
        return _utf8_marked(content)
    if not (ascii_safe and _single_byte(codec) and _is_utf8(content)):
        return _transcoded(content, codec)
    return _utf8_marked(content, valid=True)


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _transcoded(content: bytes, codec: str) -> bytes:
    """`content` read in the header's `codec`, as UTF-8 with a BOM (unchanged when that is the same)."""
    try:
        text = content.decode(codec)
    except UnicodeDecodeError:
        return content  # the header's charset is wrong for these bytes: let the parsers sniff
    if text.encode("utf-8") == content:
        return content
    return codecs.BOM_UTF8 + text.encode("utf-8")


def _utf8_marked(content: bytes, valid: bool = False) -> bytes:
    """A UTF-8 page (per its header) with a BOM when its own `<meta>` names another charset; a page
    that is not valid UTF-8 after all (unless known `valid`) is left for the parsers to sniff. The
    meta is looked at first: the validity test decodes the whole page (~150 KB) into a string."""
    meta = _META_CHARSET.search(content, 0, 4096)
    declared = charset_codec(meta.group(1).decode("ascii")) if meta else None
    if declared is None or declared in ("utf-8", "cp1252"):
        return content  # the parsers try UTF-8 first for these: they will read it right
    if not (valid or _is_utf8(content)):
        return content  # declared UTF-8 but is not: let the parsers sniff
    return codecs.BOM_UTF8 + content


def _same_portal(page_url: str, link: str) -> bool:
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https"):
        return False
    portal = portal_of(page_url)
    if portal is None:  # a host without a portal parser (the generic fallback): its pages stay on that host
        return (parts.hostname or "") == (urlsplit(page_url).hostname or "")
    return portal_of(link) == portal


async def check_article(fetcher: Fetcher, due: DueArticle) -> CheckResult:
    """Fetch and parse one article (all its pages); every failure becomes an outcome."""
    first = await fetcher.get(due.url, etag=due.etag, last_modified=due.last_modified)
    if first.outcome == NOT_MODIFIED:
        return CheckResult(due, UNCHANGED_304, (first,))
    if not first.ok or first.content is None:
        return CheckResult(due, FETCH_FAILED, (first,), error=first.error or first.outcome)
    page_url = first.final_url or due.url
    html = page_bytes(first)
    reader = PageReader(due.memo)
    try:
        article = reader.parse(html, page_url)
    except parsers.ParseError as exc:
        return CheckResult(due, PARSE_FAILED, (first,), error=f"unreadable page: {exc}")
    if article.not_article:
        return CheckResult(due, NOT_ARTICLE, (first,), article=article,
                           pages=((page_url, html),), error=f"not an article: {article.not_article}")
    return await _with_next_pages(fetcher, due, first, _Page(page_url, html, article), reader)


@dataclasses.dataclass(frozen=True, slots=True)
class _Page:
    """One fetched and parsed page of an article."""

    url: str
    html: bytes
    article: parsers.Article


async def _with_next_pages(fetcher: Fetcher, due: DueArticle, first: FetchResult, page: _Page,
                           reader: PageReader) -> CheckResult:
    """Fetch the pages the first one links to (and theirs, at most MAX_PAGES) and merge them all."""
    fetches = [first]
    pages = [page]
    queue = list(page.article.next_pages)
    seen = {page.url, due.url}
    while queue and len(pages) < MAX_PAGES:
        next_url = queue.pop(0)
        if next_url in seen:
            continue
        seen.add(next_url)
        if not _same_portal(page.url, next_url):
            # A page link leaving the portal is a parser mistake or a hostile page: never fetch it,
            # and never store the article without that page either.
            return CheckResult(due, PARSE_FAILED, tuple(fetches),
                               error=f"page link leaves the portal: {next_url[:200]}")
        result, found = await _next_page(fetcher, next_url, reader)
        fetches.append(result)
        if not isinstance(found, _Page):
            return CheckResult(due, found[0], tuple(fetches), error=found[1])
        pages.append(found)
        queue.extend(url for url in found.article.next_pages if url not in seen)
    merged = parsers.merge_pages([p.article for p in pages]) if len(pages) > 1 else page.article
    digest = reader.content_hash(merged)
    return CheckResult(due, PARSED, tuple(fetches), article=merged, pages=tuple((p.url, p.html) for p in pages),
                       content_hash=digest, memo=reader.update(digest), reused_pages=reader.reused,
                       identical_pages=reader.identical)


async def _next_page(fetcher: Fetcher, url: str, reader: PageReader) -> tuple[FetchResult, _Page | tuple[str, str]]:
    """A further page of an article, or the (outcome, error) that fails the whole check."""
    result = await fetcher.get(url)
    if not result.ok or result.content is None:
        # A missing page would store a truncated article as a new version: fail the check.
        return result, (FETCH_FAILED, f"page {url}: {result.error or result.outcome}")
    html = page_bytes(result)
    try:
        part = reader.parse(html, result.final_url or url)
    except parsers.ParseError as exc:
        return result, (PARSE_FAILED, f"page {url}: {exc}")
    return result, _Page(url, html, part)


Progress = Callable[[int, int, int], None]  # (done, total, failed so far)


async def check_many(fetcher: Fetcher, due: Sequence[DueArticle], concurrency: int = 16,
                     progress: Progress | None = None, slim_results: bool = False) -> list[CheckResult]:
    """Check articles concurrently (per-host politeness is the fetcher's job), in input order.

    An unexpected error in one check becomes that article's failed check, never the portal's.
    `progress` is called after each check; `slim_results` slims each result as soon as it is
    made (see `slim`), so a pass never holds every raw page at once."""
    slots = asyncio.Semaphore(concurrency)
    done = failed_so_far = 0
    packer = PagePacker() if slim_results else None  # this call's thread only

    async def one(item: DueArticle) -> CheckResult:
        nonlocal done, failed_so_far
        async with slots:
            try:
                result = await check_article(fetcher, item)
            except Exception as exc:  # noqa: BLE001 - the contract: one article never fails a pass
                failed = FetchResult(item.url, dt.datetime.now(dt.UTC), FETCH_ERROR,
                                     error=f"check crashed: {type(exc).__name__}: {exc}")
                result = CheckResult(item, FETCH_FAILED, (failed,), error=failed.error)
        if packer is not None:
            result = slim(result, packer)
        done += 1
        failed_so_far += result.outcome not in (PARSED, UNCHANGED_304)
        if progress is not None:
            progress(done, len(due), failed_so_far)
        return result

    return list(await asyncio.gather(*(one(item) for item in due)))
