"""Body diffs rendered once and stored in the warehouse (`diff_fragments`, migration 010), so a report
into an empty folder reads them instead of aligning every pair of versions again.

A fragment is the HTML an article page shows for one pair of versions (the edit's old and new
version): the title's word diff (when the title changed) and the body diff inside
`<div class="body-diff">`, plus whether a block was too large to align word by word. It is keyed
by the two version ids and a renderer key: a digest of the code and words that make it (this
module, `diff.py`, the message catalogue) and the language, so a report of another version or
language never reads a fragment it would not have rendered itself (it renders that diff instead).
Version ids rather than content hashes: a content hash identifies the normalized text, while the
diff shows the exact text, which `reparse` may rewrite in place (it then drops every fragment).

Written by the pass that records the edit (`row_for_edit`, in the pass's transaction), and for a
warehouse that predates them, or after a new renderer, by `fill` once (`fill_once`, after a pass).
Everything in a fragment is escaped here; the warehouse is the report's own, trusted store.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import pathlib
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import duckdb
from markupsafe import Markup, escape

from beritawatch import i18n
from beritawatch.i18n import Language
from beritawatch.report.data import paragraphs
from beritawatch.report.diff import Block, Piece, body_diff, diff_blocks, pieces, word_diff
from warehouse.db import insert_rows, write

FILL_CHUNK = 1_000  # version pairs read, rendered and written at once by `fill`


class FragmentRow(NamedTuple):
    old_version_id: int
    new_version_id: int
    renderer: str
    title_html: str | None
    html: str
    whole: bool


FRAGMENT_COLUMNS = (("old_version_id", "BIGINT"), ("new_version_id", "BIGINT"), ("renderer", "VARCHAR"),
                    ("title_html", "VARCHAR"), ("html", "VARCHAR"), ("whole", "BOOLEAN"))


_MESSAGES = ("r.unchanged_body", "r.skip", "r.cut")  # the catalogue's words a fragment holds


@functools.cache
def renderer_key(lang: Language) -> str:
    """What a fragment depends on besides its two texts: when it changes, stored fragments are not used.
    The code that makes it, and its words in `lang` (not the whole catalogue: another message's change
    would have every stored diff rendered again)."""
    digest = hashlib.sha256(lang.encode("utf-8"))
    here = pathlib.Path(__file__).parent
    for path in (here / "fragments.py", here / "diff.py"):
        digest.update(path.read_bytes())
    words = [repr(i18n.MESSAGES[key][lang]) for key in _MESSAGES] + [i18n.count(1234567, lang)]
    digest.update("\0".join(words).encode("utf-8"))
    return digest.hexdigest()[:24]


def pieces_html(items: Sequence[Piece]) -> Markup:
    """A diff's pieces as inline HTML: added text in <ins>, removed in <del>, everything escaped.
    (Python rather than a macro: a year's cold report renders millions of pieces.)"""
    out: list[str] = []
    for piece in items:
        if piece.op == "=":
            out.append(escape(piece.text))
            continue
        if piece.text:
            tag = "ins" if piece.op == "+" else "del"
            out.append(f"<{tag}>{escape(piece.text)}</{tag}>")
        out.append(escape(piece.tail))
    return Markup("".join(out))  # noqa: S704 - every piece of text is escaped above


def blocks_html(blocks: Sequence[Block], lang: Language) -> Markup:
    """A body diff's blocks as HTML (one call per diff, not a macro call per block)."""
    if not blocks:
        return Markup(f'<p class="note">{escape(i18n.t("r.unchanged_body", lang))}</p>')  # noqa: S704 - escaped
    out: list[str] = []
    for block in blocks:
        if block.kind == "skip":
            out.append(f'<p class="skip">{escape(i18n.t("r.skip", lang, n=block.count))}</p>\n')
        elif block.kind == "cut":
            note = i18n.t("r.cut", lang, words=i18n.count(block.words, lang), n=block.count)
            out.append(f'<p class="note cut">{escape(note)}</p>\n')
        else:
            css = f' class="{block.css}"' if block.css else ""  # "added", "removed" or ""
            out.append(f"<p{css}>{pieces_html(block.pieces)}</p>\n")
    return Markup("".join(out))  # noqa: S704 - every text escaped above


@dataclasses.dataclass(frozen=True, slots=True)
class BodyDiff:
    """HTML with every text escaped (plain str: a year's report sends 240 MB of it to its helpers)."""

    title: str | None  # the title's word diff; None when the title did not change
    html: str  # what goes inside <div class="body-diff">
    whole: bool  # some block was too large to align word by word


def render(old_title: str, new_title: str, old: Sequence[str], new: Sequence[str], lang: Language) -> BodyDiff:
    """The diff of two versions (titles, and bodies as paragraphs) as a page shows it."""
    paragraphs, whole = body_diff(old, new)
    title = str(pieces_html(pieces(word_diff([old_title], [new_title])[0]))) if old_title != new_title else None
    return BodyDiff(title, str(blocks_html(diff_blocks(paragraphs), lang)), whole)


def row_for_edit(old_version_id: int, new_version_id: int, old: tuple[str | None, str | None],
                 new: tuple[str | None, str | None], lang: Language) -> FragmentRow:
    """The fragment of an edit the pass records; `old` and `new` are (title, body) as stored in `versions`."""
    done = render(old[0] or "", new[0] or "", paragraphs(old[1]), paragraphs(new[1]), lang)
    return FragmentRow(old_version_id, new_version_id, renderer_key(lang), done.title, done.html, done.whole)


def read(con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[int, int]], lang: Language) -> dict[tuple[int, int],
                                                                                                  BodyDiff]:
    """The stored fragments of `pairs` (old, new version id) for this renderer; none when the table
    is missing (a warehouse not yet migrated, opened read-only)."""
    if not pairs:
        return {}
    wanted = set(pairs)
    try:
        rows = con.execute("""SELECT old_version_id, new_version_id, title_html, html, whole FROM diff_fragments
                              WHERE renderer = ? AND new_version_id IN (SELECT unnest(?::BIGINT[]))""",
                           [renderer_key(lang), sorted({new for _, new in pairs})]).fetchall()
    except duckdb.CatalogException:
        return {}
    return {(old, new): BodyDiff(title, html, whole) for old, new, title, html, whole in rows if (old, new) in wanted}


def _missing_pairs(con: duckdb.DuckDBPyConnection, renderer: str) -> list[tuple[int, int]]:
    """Every edit's (old, new) version ids with both versions stored and no fragment for `renderer`."""
    rows = con.execute("""
        SELECT DISTINCT e.old_version_id, e.new_version_id FROM edit_records e
        WHERE e.old_version_id IN (SELECT version_id FROM versions)
          AND e.new_version_id IN (SELECT version_id FROM versions)
          AND NOT EXISTS (SELECT 1 FROM diff_fragments f WHERE f.renderer = ?
                          AND f.old_version_id = e.old_version_id AND f.new_version_id = e.new_version_id)
        ORDER BY 2, 1""", [renderer]).fetchall()
    return [(old, new) for old, new in rows]


def _chunks(pairs: Sequence[tuple[int, int]], size: int) -> Iterator[Sequence[tuple[int, int]]]:
    for start in range(0, len(pairs), size):
        yield pairs[start:start + size]


def fill(con: duckdb.DuckDBPyConnection, lang: Language, chunk: int = FILL_CHUNK) -> int:
    """Write the fragment of every edit that has none for this renderer (`chunk` pairs per write
    transaction, so memory stays bounded on a year of edits), drop other renderers' fragments, and
    note the renderer as filled; how many were written. Not inside a transaction of the caller."""
    renderer = renderer_key(lang)
    write(con, lambda: con.execute("DELETE FROM diff_fragments WHERE renderer <> ?", [renderer]))
    pairs = _missing_pairs(con, renderer)
    written = sum(write(con, functools.partial(_fill_chunk, con, part, lang)) for part in _chunks(pairs, chunk))
    write(con, functools.partial(_mark_filled, con, renderer))
    return written


def _fill_chunk(con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[int, int]], lang: Language) -> int:
    """The fragments of `pairs` still missing (another writer may have written some meanwhile)."""
    missing = set(pairs).difference(
        (old, new) for old, new in con.execute(
            """SELECT old_version_id, new_version_id FROM diff_fragments
               WHERE renderer = ? AND new_version_id IN (SELECT unnest(?::BIGINT[]))""",
            [renderer_key(lang), [new for _, new in pairs]]).fetchall())
    ids = sorted({i for pair in missing for i in pair})
    texts = {version_id: (title, body) for version_id, title, body in con.execute(
        "SELECT version_id, title, body FROM versions WHERE version_id IN (SELECT unnest(?::BIGINT[]))",
        [ids]).fetchall()}
    rows = [row_for_edit(old, new, texts[old], texts[new], lang) for old, new in sorted(missing)
            if old in texts and new in texts]
    insert_rows(con, "diff_fragments", FRAGMENT_COLUMNS, rows)
    return len(rows)


def _mark_filled(con: duckdb.DuckDBPyConnection, renderer: str) -> None:
    con.execute("DELETE FROM diff_fragment_fills")
    con.execute("INSERT INTO diff_fragment_fills VALUES (?, now())", [renderer])


def filled(con: duckdb.DuckDBPyConnection, lang: Language) -> bool:
    """Whether `fill` ran for this renderer (after it, every pass writes its own edits' fragments)."""
    return bool(con.execute("SELECT 1 FROM diff_fragment_fills WHERE renderer = ?", [renderer_key(lang)]).fetchall())


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every fragment and the fill mark (after `reparse` rewrote stored texts in place)."""
    con.execute("DELETE FROM diff_fragments")
    con.execute("DELETE FROM diff_fragment_fills")
