"""Packing raw HTML pages for `version_pages`: zstd with one dictionary per portal.

A news page is ~150 KB of which most is the portal's template (scripts, CSS, menus, footer), the
same on every page. Plain zstd packs such a page to ~20–30 KB; with a dictionary that holds the
template it packs to ~5–8 KB, and faster (level 3 with a dictionary beats level 12 without).

A portal's dictionary is one of its own stored pages used as a zstd raw-content dictionary: of the
first `SAMPLES` pages seen, the one that packs the others smallest. It is kept in the
`page_dictionaries` table under a hash of its bytes. Each `version_pages` row names its codec:

    "zstd"             plain zstd (rows written before dictionaries existed, and a portal's first
                       pages, before it has a dictionary)
    "zstd-dict:<id>"   zstd with dictionary <id> (page_dictionaries.dict_id)
    anything else      stored as is (as `reparse` always read unknown codecs)

A dictionary is committed on a cursor of its own before any page names it, so no page can name a
dictionary that is missing, whatever happens to the pass's transaction (a rolled-back pass may
leave an unused dictionary behind: harmless). When a portal's pages stop fitting (a redesign: the
last `WATCH` pages pack to more than `STALE_FACTOR` times what the dictionary's samples did), the
next `SAMPLES` pages give a new dictionary; old rows keep naming the old one. One writer thread
per connection (as the pass writer is): the per-connection state is not locked.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import hashlib
import threading
import weakref
from collections.abc import Sequence
from urllib.parse import urlsplit

import duckdb
import zstandard

from beritawatch.urls import PORTALS, portal_of
from warehouse import db

PLAIN = "zstd"
DICT_PREFIX = "zstd-dict:"
PLAIN_LEVEL = 9  # no dictionary yet: within ~3% of level 12's size at a fraction of its time
DICT_LEVEL = 3  # with a dictionary, higher levels buy ~7% for 3x the time
SAMPLES = 8  # pages of a portal seen before its dictionary is chosen
WATCH = 32  # packed pages averaged to tell that a dictionary has gone stale
STALE_FACTOR = 2.0

TABLE = "page_dictionaries"  # created by migration 007


class CodecError(ValueError):
    """A stored page names a codec or a dictionary that cannot be read."""


def family_of(url: str) -> str | None:
    """Which dictionary a page shares: its portal's, or for any other site its host's."""
    portal = portal_of(url)
    if portal is not None:
        return portal
    try:
        return (urlsplit(url).hostname or "").lower() or None
    except ValueError:
        return None


def dictionary_id(content: bytes) -> int:
    """A dictionary's id: a 63-bit hash of its bytes (same bytes, same id, in every warehouse)."""
    return int.from_bytes(hashlib.blake2b(content, digest_size=8).digest(), "big") >> 1


def codec_name(dict_id: int) -> str:
    return f"{DICT_PREFIX}{dict_id}"


def _raw_dict(content: bytes) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(content, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def _exact(packed: bytes) -> bytes:
    # zstandard's compress() returns bytes that keep the worst-case output buffer (about the input
    # size) behind a shorter length; a pass holds thousands of them until the insert, so copy.
    return bytes(memoryview(packed))


_PLAIN_PACKER = threading.local()


def pack_plain(html: bytes) -> bytes:
    """Plain zstd (codec "zstd")."""
    packer = getattr(_PLAIN_PACKER, "z", None)
    if packer is None:
        packer = _PLAIN_PACKER.z = zstandard.ZstdCompressor(level=PLAIN_LEVEL)
    return _exact(packer.compress(html))


@dataclasses.dataclass
class _Dictionary:
    dict_id: int
    content: bytes
    baseline: int
    packer: zstandard.ZstdCompressor

    @classmethod
    def of(cls, content: bytes, baseline: int) -> _Dictionary:
        return cls(dictionary_id(content), content, baseline,
                   zstandard.ZstdCompressor(level=DICT_LEVEL, dict_data=_raw_dict(content)))


def choose(samples: Sequence[bytes]) -> _Dictionary:
    """The sample that, as a dictionary, packs the other samples smallest."""
    if not samples:
        raise ValueError("no samples to choose a dictionary from")
    best: tuple[int, int] | None = None
    for i, candidate in enumerate(samples):
        packer = zstandard.ZstdCompressor(level=DICT_LEVEL, dict_data=_raw_dict(candidate))
        others = [s for j, s in enumerate(samples) if j != i] or [candidate]
        size = sum(len(packer.compress(s)) for s in others) // len(others)
        if best is None or size < best[0]:
            best = (size, i)
    assert best is not None
    return _Dictionary.of(samples[best[1]], best[0])


@dataclasses.dataclass
class _Family:
    """One portal's dictionary state within one connection."""

    active: _Dictionary | None = None
    samples: list[bytes] = dataclasses.field(default_factory=list)
    collecting: bool = True  # gathering samples (no dictionary yet, or the active one is stale)
    recent: collections.deque[int] = dataclasses.field(default_factory=lambda: collections.deque(maxlen=WATCH))
    seeded: bool = False  # samples were read from the warehouse once


class _Session:
    """Per-connection dictionary state (dropped with the connection)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.families: dict[str, _Family] = {}
        if _has_table(con):
            rows = con.execute(f"""SELECT family, dict_id, baseline_bytes, dict FROM {TABLE}
                                   QUALIFY row_number() OVER (PARTITION BY family
                                                              ORDER BY created_at DESC, dict_id) = 1""").fetchall()
            for family, dict_id, baseline, content in rows:
                content = bytes(content)
                if dictionary_id(content) != dict_id:
                    raise CodecError(f"dictionary {dict_id} of {family!r} does not match its bytes")
                self.families[family] = _Family(active=_Dictionary.of(content, baseline), collecting=False)


_SESSIONS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _Session] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _session(con: duckdb.DuckDBPyConnection) -> _Session:
    with _LOCK:
        session = _SESSIONS.get(con)
        if session is None:
            session = _SESSIONS[con] = _Session(con)
        return session


def _seed(con: duckdb.DuckDBPyConnection, family: str, state: _Family) -> None:
    """Start a portal's samples from its latest plain pages already in the warehouse."""
    state.seeded = True
    domain = PORTALS.get(family, family)
    rows = con.execute("""SELECT url, html FROM version_pages WHERE codec = ? AND url LIKE ?
                          ORDER BY version_id DESC, seq LIMIT ?""",
                       [PLAIN, f"%{domain}%", SAMPLES * 4]).fetchall()
    unpack = zstandard.ZstdDecompressor()
    for url, blob in rows:
        if len(state.samples) >= SAMPLES - 1:
            break
        if family_of(url) == family:
            state.samples.append(unpack.decompress(bytes(blob)))


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    # A reader may open a warehouse from before migration 007 without migrating it.
    # Asked, not tried: a failed statement would abort the pass's whole transaction.
    [(count,)] = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                             [TABLE]).fetchall()
    return bool(count)


def _store(con: duckdb.DuckDBPyConnection, family: str, made: _Dictionary) -> None:
    """Commit the dictionary at once, on a cursor of its own: pages may only ever name a
    dictionary that is already in the table, whatever becomes of the pass's transaction."""
    side = db.cursor(con)
    try:
        # A dictionary is named by the hash of its bytes: one already stored is the same one.
        side.execute(f"""INSERT INTO {TABLE} SELECT ?, ?, ?, 'raw', ?, ?
                         WHERE NOT EXISTS (SELECT 1 FROM {TABLE} WHERE dict_id = ?)""",
                     [made.dict_id, family, dt.datetime.now(dt.UTC), made.baseline, made.content, made.dict_id])
    finally:
        side.close()


def _renew(con: duckdb.DuckDBPyConnection, family: str, state: _Family) -> None:
    """Choose a dictionary from the samples; a stale one is replaced only by a clearly better one."""
    made = choose(state.samples)
    current = state.active
    lately = sum(state.recent) // len(state.recent) if state.recent else 0
    if current is None or made.baseline < 0.8 * lately:
        _store(con, family, made)
        state.active = made
    else:
        current.baseline = lately  # nothing packs these pages better: accept the drift, no churn
    state.collecting = False
    state.samples.clear()
    state.recent.clear()


def encode(con: duckdb.DuckDBPyConnection, url: str, html: bytes) -> tuple[str, bytes]:
    """(codec, packed bytes) for one raw page about to be stored through `con`."""
    family = family_of(url)
    if family is None:
        return PLAIN, pack_plain(html)
    session = _session(con)
    state = session.families.get(family)
    if state is None:
        state = session.families[family] = _Family()
    if state.collecting:
        if state.active is None and not state.seeded:
            _seed(con, family, state)
        state.samples.append(html)
        if len(state.samples) >= SAMPLES:
            _renew(con, family, state)
    if state.active is None:
        return PLAIN, pack_plain(html)
    packed = _exact(state.active.packer.compress(html))
    state.recent.append(len(packed))
    if (not state.collecting and len(state.recent) == WATCH
            and sum(state.recent) / WATCH > STALE_FACTOR * max(state.active.baseline, 1)):
        state.collecting = True  # the template changed: gather pages for a new dictionary
        state.samples.clear()
    return codec_name(state.active.dict_id), packed


class Decoder:
    """Unpacks stored pages of one warehouse: `Decoder(con)(codec, blob) -> bytes`."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._plain = zstandard.ZstdDecompressor()
        self._by_id: dict[int, zstandard.ZstdDecompressor] = {}

    def __call__(self, codec: str | None, blob: bytes | bytearray | memoryview) -> bytes:
        data = bytes(blob)
        if codec == PLAIN:
            return self._plain.decompress(data)
        if codec is not None and codec.startswith(DICT_PREFIX):
            return self._unpacker(codec).decompress(data)
        return data

    def _unpacker(self, codec: str) -> zstandard.ZstdDecompressor:
        try:
            dict_id = int(codec[len(DICT_PREFIX):])
        except ValueError:
            raise CodecError(f"bad codec name {codec!r}") from None
        unpacker = self._by_id.get(dict_id)
        if unpacker is None:
            row = None
            if _has_table(self._con):
                row = self._con.execute(f"SELECT dict FROM {TABLE} WHERE dict_id = ?", [dict_id]).fetchone()
            if row is None:
                raise CodecError(f"page packed with dictionary {dict_id}, which is not in {TABLE}")
            content = bytes(row[0])
            if dictionary_id(content) != dict_id:
                raise CodecError(f"dictionary {dict_id} does not match its bytes")
            unpacker = self._by_id[dict_id] = zstandard.ZstdDecompressor(dict_data=_raw_dict(content))
        return unpacker
