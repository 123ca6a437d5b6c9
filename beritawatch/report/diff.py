"""Word-level inline diffs (like NewsDiffs): paragraphs aligned first, changed blocks word by word,
then folded into what a page shows (changes with context, long unchanged stretches skipped)."""
from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Sequence
from typing import Literal

MAX_DIFF_WORDS = 20_000  # words rendered per diff; the rest is cut with a note
MAX_ALIGN = 4_000_000  # old × new words of one changed block aligned word by word; beyond: shown whole
CONTEXT = 1  # unchanged paragraphs shown around each change

_TOKEN = re.compile(r"(\w+|[^\w\s])(\s*)")
_BREAK = ("\n\n", "")  # a paragraph boundary inside a token sequence

Segment = tuple[str, str]  # (op, text): "=" unchanged, "+" added, "-" removed


def _tokens(paragraphs: Sequence[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, paragraph in enumerate(paragraphs):
        if i:
            out.append(_BREAK)
        out.extend(_TOKEN.findall(paragraph.strip()))
    return out


def _space_before(tokens: Sequence[tuple[str, str]], i: int) -> bool:
    return i > 0 and tokens[i - 1] != _BREAK and tokens[i - 1][1] != ""


class _Builder:
    """Collects runs of tokens into paragraphs of segments, merging neighbours of one op."""

    def __init__(self) -> None:
        self.paragraphs: list[list[Segment]] = [[]]

    def put(self, op: str, tokens: Sequence[tuple[str, str]], spaced: bool) -> None:
        for token in tokens:
            if token == _BREAK:
                if op == "-":  # a paragraph boundary that is gone: the removed text just joins
                    spaced = True
                else:
                    self.paragraphs.append([])
                    spaced = False
                continue
            para = self.paragraphs[-1]
            # Runs come from two texts: keep a word boundary the source side had.
            if spaced and para and not para[-1][1][-1:].isspace():
                para.append(("=", " "))
            spaced = False
            text = token[0] + token[1]
            if para and para[-1][0] == op:
                para[-1] = (op, para[-1][1] + text)
            else:
                para.append((op, text))


def word_diff(old: Sequence[str], new: Sequence[str]) -> list[list[Segment]]:
    """Word-level diff of two runs of paragraphs, as the new text's paragraphs of segments."""
    a, b = _tokens(old), _tokens(new)
    out = _Builder()
    matcher = difflib.SequenceMatcher(None, [t[0] for t in a], [t[0] for t in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.put("=", b[j1:j2], _space_before(b, j1))
            continue
        if tag in ("delete", "replace"):
            out.put("-", a[i1:i2], _space_before(a, i1))
        if tag in ("insert", "replace"):
            out.put("+", b[j1:j2], tag == "replace" or _space_before(b, j1))
    return out.paragraphs


@dataclasses.dataclass(frozen=True, slots=True)
class DiffPara:
    segments: tuple[Segment, ...]
    changed: bool
    words: int


def _words(text: str) -> int:
    return len(_TOKEN.findall(text))


def _para(segments: Sequence[Segment]) -> DiffPara:
    return DiffPara(tuple(segments), any(op != "=" for op, _ in segments), sum(_words(t) for _, t in segments))


def body_diff(old: Sequence[str], new: Sequence[str]) -> tuple[list[DiffPara], bool]:
    """Paragraphs aligned first, then changed blocks word by word. Returns the paragraphs and
    whether some block was too large to align word by word (shown whole instead)."""
    out: list[DiffPara] = []
    whole = False
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(DiffPara((("=", p),), False, _words(p)) for p in new[j1:j2])
            continue
        if tag == "replace":
            old_words = sum(_words(p) for p in old[i1:i2])
            new_words = sum(_words(p) for p in new[j1:j2])
            if old_words * new_words <= MAX_ALIGN:
                out.extend(_para(segments) for segments in word_diff(old[i1:i2], new[j1:j2]))
                continue
            whole = True
        out.extend(_para([("-", p)]) for p in old[i1:i2])
        out.extend(_para([("+", p)]) for p in new[j1:j2])
    return out, whole


@dataclasses.dataclass(frozen=True, slots=True)
class Piece:
    """A segment as a page shows it: the marked text and the whitespace after it (unmarked)."""

    op: str
    text: str
    tail: str


def pieces(segments: Sequence[Segment]) -> list[Piece]:
    out = []
    for op, text in segments:
        core = text if op == "=" else text.rstrip()
        out.append(Piece(op, core, text[len(core):]))
    return out


@dataclasses.dataclass(frozen=True, slots=True)
class Block:
    """One line of a diff on a page: a paragraph, a fold of unchanged ones, or the cut note."""

    kind: Literal["para", "skip", "cut"]
    pieces: tuple[Piece, ...] = ()
    css: str = ""  # "added", "removed" or ""
    count: int = 0  # paragraphs folded (skip) or changed paragraphs not shown (cut)
    words: int = 0  # words shown before the cut


def _para_block(para: DiffPara) -> Block:
    ops = {op for op, _ in para.segments}
    css = "added" if ops == {"+"} else "removed" if ops == {"-"} else ""
    return Block("para", tuple(pieces(para.segments)), css)


def _shown(paragraphs: Sequence[DiffPara], context: int) -> list[bool]:
    show = [False] * len(paragraphs)
    for i, para in enumerate(paragraphs):
        if para.changed:
            for j in range(max(0, i - context), min(len(paragraphs), i + context + 1)):
                show[j] = True
    return show


def diff_blocks(paragraphs: Sequence[DiffPara], *, context: int = CONTEXT,
                max_words: int = MAX_DIFF_WORDS) -> list[Block]:
    """Changed paragraphs with `context` unchanged ones around them; long unchanged stretches
    folded; cut after `max_words` words. Empty when nothing changed."""
    if not any(p.changed for p in paragraphs):
        return []
    show = _shown(paragraphs, context)
    out: list[Block] = []
    skipped = words = 0
    for i, para in enumerate(paragraphs):
        if not show[i]:
            skipped += 1
            continue
        if skipped:
            out.append(Block("skip", count=skipped))
            skipped = 0
        if words + para.words > max_words and out:
            out.append(Block("cut", count=sum(1 for p in paragraphs[i:] if p.changed), words=words))
            return out
        words += para.words
        out.append(_para_block(para))
    if skipped:
        out.append(Block("skip", count=skipped))
    return out
