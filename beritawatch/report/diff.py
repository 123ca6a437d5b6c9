"""Word-level inline diffs (like NewsDiffs): paragraphs aligned first, changed blocks word by word,
then folded into what a page shows (changes with context, long unchanged stretches skipped)."""
from __future__ import annotations

import dataclasses
import difflib
import functools
import itertools
import re
from collections.abc import Hashable, Sequence
from typing import Literal

MAX_DIFF_WORDS = 20_000  # words rendered per diff; the rest is cut with a note
MAX_ALIGN = 4_000_000  # old × new words of one changed block aligned word by word; beyond: shown whole
CONTEXT = 1  # unchanged paragraphs shown around each change

_TOKEN = re.compile(r"(\w+|[^\w\s])(\s*)")
_BREAK = ("\n\n", "")  # a paragraph boundary inside a token sequence

Segment = tuple[str, str]  # (op, text): "=" unchanged, "+" added, "-" removed


@functools.lru_cache(maxsize=512)
def _paragraph_tokens(paragraph: str) -> tuple[tuple[str, str], ...]:
    """(word, whitespace after it) pairs; cached: a page's diffs meet each version's text twice."""
    return tuple(_TOKEN.findall(paragraph.strip()))


def _tokens(paragraphs: Sequence[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, paragraph in enumerate(paragraphs):
        if i:
            out.append(_BREAK)
        out.extend(_paragraph_tokens(paragraph))
    return out


def _space_before(tokens: Sequence[tuple[str, str]], i: int) -> bool:
    return i > 0 and tokens[i - 1] != _BREAK and tokens[i - 1][1] != ""


class _Builder:
    """Collects runs of tokens into paragraphs of segments, merging neighbours of one op, and
    counts each paragraph's words."""

    def __init__(self) -> None:
        self.paragraphs: list[list[Segment]] = [[]]
        self.words: list[int] = [0]

    def put(self, op: str, tokens: Sequence[tuple[str, str]], spaced: bool) -> None:
        start, end = 0, len(tokens)
        while True:
            try:
                stop = tokens.index(_BREAK, start, end)
            except ValueError:
                stop = end
            if stop > start:
                spaced = self._run(op, tokens[start:stop], spaced)
            if stop == end:
                return
            if op == "-":  # a paragraph boundary that is gone: the removed text just joins
                spaced = True
            else:
                self.paragraphs.append([])
                self.words.append(0)
                spaced = False
            start = stop + 1

    def _run(self, op: str, tokens: Sequence[tuple[str, str]], spaced: bool) -> bool:
        para = self.paragraphs[-1]
        # Runs come from two texts: keep a word boundary the source side had.
        if spaced and para and not para[-1][1][-1:].isspace():
            para.append(("=", " "))
        text = "".join(itertools.chain.from_iterable(tokens))
        self.words[-1] += len(tokens)
        if para and para[-1][0] == op:
            para[-1] = (op, para[-1][1] + text)
        else:
            para.append((op, text))
        return False


Opcode = tuple[str, int, int, int, int]  # as difflib's: tag, a[i1:i2], b[j1:j2]
_SENTENCE_END = frozenset({".", "!", "?", "\n\n"})


def _sentences(words: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """`words[start:end]` cut after each sentence end (and paragraph break), as (start, end) spans."""
    spans, first = [], start
    for i in [i for i in range(start, end) if words[i] in _SENTENCE_END]:
        spans.append((first, i + 1))
        first = i + 1
    if first < end:
        spans.append((first, end))
    return spans


REWRITE_MIN = 4  # changed sentences (old and new counted) before a block can be a rewrite
REWRITE_SHARE = 0.5  # ... and the share of all its sentences (old and new) that changed
SMALL_CHANGE = 3  # words on either side of a change between a common start and end: not aligned further


def _common_ends(a: Sequence[str], b: Sequence[str], i1: int, i2: int, j1: int, j2: int) -> tuple[int, int]:
    """How many words `a[i1:i2]` and `b[j1:j2]` share at their start, and then at their end."""
    lo = 0
    while i1 + lo < i2 and j1 + lo < j2 and a[i1 + lo] == b[j1 + lo]:
        lo += 1
    hi = 0
    while i2 - hi > i1 + lo and j2 - hi > j1 + lo and a[i2 - hi - 1] == b[j2 - hi - 1]:
        hi += 1
    return lo, hi


def _middle(a: Sequence[str], b: Sequence[str], x1: int, x2: int, y1: int, y2: int) -> list[Opcode]:
    """Opcodes for a changed stretch with no common start or end."""
    if x2 - x1 > SMALL_CHANGE or y2 - y1 > SMALL_CHANGE:
        matcher = difflib.SequenceMatcher(None, a[x1:x2], b[y1:y2], autojunk=False)
        return [(tag, x1 + p1, x1 + p2, y1 + q1, y1 + q2) for tag, p1, p2, q1, q2 in matcher.get_opcodes()]
    tag = "replace" if x2 > x1 and y2 > y1 else "delete" if x2 > x1 else "insert" if y2 > y1 else ""
    return [(tag, x1, x2, y1, y2)] if tag else []


def _word_opcodes(a: Sequence[str], b: Sequence[str], i1: int, i2: int, j1: int, j2: int) -> list[Opcode]:
    """Align `a[i1:i2]` with `b[j1:j2]` word by word; a change of a few words between a common
    start and end is taken as it is (most edits inside a sentence: a number, a name, a phrase)."""
    lo, hi = _common_ends(a, b, i1, i2, j1, j2)
    x1, x2, y1, y2 = i1 + lo, i2 - hi, j1 + lo, j2 - hi
    head: list[Opcode] = [("equal", i1, x1, j1, y1)] if lo else []
    tail: list[Opcode] = [("equal", x2, i2, y2, j2)] if hi else []
    return head + _middle(a, b, x1, x2, y1, y2) + tail


def _span(spans: Sequence[tuple[int, int]], first: int, last: int, end: int) -> tuple[int, int]:
    """Word positions of sentences `spans[first:last]` (an empty run: where it would start)."""
    if last > first:
        return spans[first][0], spans[last - 1][1]
    at = spans[first][0] if first < len(spans) else end
    return at, at


def _sentence_ends(a: Sequence[str], lo: int, hi: int) -> tuple[int, int]:
    """A common start of `lo` words and end of `hi` words of `a` (and another text) cut back to
    whole sentences, so changed sentences are aligned whole."""
    while lo and a[lo - 1] not in _SENTENCE_END:
        lo -= 1
    end = next((i for i in range(len(a) - hi, len(a)) if a[i] in _SENTENCE_END), len(a) - 1)
    return lo, len(a) - end - 1


def _sentence_count(words: Sequence[str]) -> int:
    ends = sum(map(_SENTENCE_END.__contains__, words))
    return ends + (1 if words and words[-1] not in _SENTENCE_END else 0)


def rewritten(opcodes: Sequence[Opcode], sentences: int) -> bool:
    """Whether a sentence alignment is a rewrite: at least `REWRITE_MIN` sentences changed, and
    more than `REWRITE_SHARE` of all `sentences` (both texts, their common start and end included)."""
    changed = sum(s2 - s1 + t2 - t1 for tag, s1, s2, t1, t2 in opcodes if tag != "equal")
    return changed >= REWRITE_MIN and changed > REWRITE_SHARE * sentences


def _sentence_opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> Sequence[Opcode]:
    """SequenceMatcher's opcodes (of sentences, or paragraphs)."""
    if len(a) == len(b) == 1:  # one each (a title, a one-paragraph text): the same, without building a matcher
        return [("equal" if a[0] == b[0] else "replace", 0, 1, 0, 1)]
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Word alignment, fast on long texts: the common start and end set aside, sentences aligned
    first, then words only inside changed sentences (a changed run of as many sentences on both
    sides is taken sentence by sentence, as an edit in place). In a rewrite (see `rewritten`)
    changed sentences are marked whole: word marks in every sentence would only be noise."""
    if _SENTENCE_END.isdisjoint(a) and _SENTENCE_END.isdisjoint(b):  # a sentence each at most (a title)
        return _word_opcodes(a, b, 0, len(a), 0, len(b))  # what the sentence alignment comes to then
    lo, hi = _sentence_ends(a, *_common_ends(a, b, 0, len(a), 0, len(b)))
    hi_a, hi_b = len(a) - hi, len(b) - hi
    out: list[Opcode] = [("equal", 0, lo, 0, lo)] if lo else []
    sa, sb = _sentences(a, lo, hi_a), _sentences(b, lo, hi_b)
    sentence_ops = _sentence_opcodes([tuple(a[x:y]) for x, y in sa], [tuple(b[x:y]) for x, y in sb])
    whole = rewritten(sentence_ops, _sentence_count(a) + _sentence_count(b))
    for tag, s1, s2, t1, t2 in sentence_ops:
        (i1, i2), (j1, j2) = _span(sa, s1, s2, hi_a), _span(sb, t1, t2, hi_b)
        if tag == "equal" or whole:
            out.append((tag, i1, i2, j1, j2))
        elif tag == "replace" and s2 - s1 == t2 - t1:
            for (x1, x2), (y1, y2) in zip(sa[s1:s2], sb[t1:t2], strict=True):
                out.extend(_word_opcodes(a, b, x1, x2, y1, y2))
        else:
            out.extend(_word_opcodes(a, b, i1, i2, j1, j2))
    if hi:
        out.append(("equal", hi_a, len(a), hi_b, len(b)))
    return out


def word_diff(old: Sequence[str], new: Sequence[str]) -> list[list[Segment]]:
    """Word-level diff of two runs of paragraphs, as the new text's paragraphs of segments."""
    return _word_diff(old, new).paragraphs


def _word_diff(old: Sequence[str], new: Sequence[str]) -> _Builder:
    a, b = _tokens(old), _tokens(new)
    out = _Builder()
    for tag, i1, i2, j1, j2 in _opcodes([t[0] for t in a], [t[0] for t in b]):
        if i1 == i2 and j1 == j2:
            continue
        if tag == "equal":
            out.put("=", b[j1:j2], _space_before(b, j1))
            continue
        if tag in ("delete", "replace"):
            out.put("-", a[i1:i2], _space_before(a, i1))
        if tag in ("insert", "replace"):
            out.put("+", b[j1:j2], tag == "replace" or _space_before(b, j1))
    return out


@dataclasses.dataclass(frozen=True, slots=True)
class DiffPara:
    segments: tuple[Segment, ...]
    changed: bool
    words: int


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _para(segments: Sequence[Segment]) -> DiffPara:
    return DiffPara(tuple(segments), any(op != "=" for op, _ in segments), sum(_words(t) for _, t in segments))


_SENTENCE_CUT = re.compile(r"(?<=[.!?])")
_WORD = re.compile(r"\w+|[^\w\s]")  # what _TOKEN counts as a word, without building tokens


def _ascii_classes() -> bytes:
    """Each ASCII byte as `_WORD` sees it: b"w" a word character, b" " whitespace, b"p" a word of its own."""
    return bytes(ord("w") if re.fullmatch(r"\w", chr(c)) else ord(" ") if re.fullmatch(r"\s", chr(c)) else ord("p")
                 for c in range(128)) + b"p" * 128  # never used: only ASCII text is translated


_ASCII_CLASSES = _ascii_classes()


@functools.lru_cache(maxsize=512)
def _word_count(paragraph: str) -> int:
    """How many words `_WORD` finds; ASCII text counted with byte operations (3-10x quicker)."""
    if not paragraph.isascii():
        return len(_WORD.findall(paragraph))
    classes = paragraph.encode("ascii").translate(_ASCII_CLASSES)
    return classes.count(b"p") + len(classes.replace(b"p", b" ").split())


@functools.lru_cache(maxsize=512)
def _sentence_keys(paragraph: str) -> tuple[str, ...]:
    # Without any whitespace: a sentence kept with other spacing counts as kept (and is aligned).
    squeezed = "".join(paragraph.split())
    if "\0" in squeezed:
        return tuple(s for s in _SENTENCE_CUT.split(squeezed) if s)
    # As _SENTENCE_CUT.split, without the regex: a cut after each sentence end.
    cut = squeezed.replace(".", ".\0").replace("!", "!\0").replace("?", "?\0").split("\0")
    return tuple(s for s in cut if s)


def _no_sentence_kept(old: str, new: str) -> bool:
    """Whether two paragraphs share no sentence and have enough of them to be a rewrite: then both
    are marked whole at once, which is what aligning them would come to."""
    old_sentences, new_sentences = _sentence_keys(old), _sentence_keys(new)
    return (len(old_sentences) + len(new_sentences) >= REWRITE_MIN
            and set(old_sentences).isdisjoint(new_sentences))


def _aligned(old: Sequence[str], new: Sequence[str]) -> list[DiffPara]:
    """A changed block word by word; as many paragraphs on both sides: paragraph by paragraph, as
    edits in place (so a rewrite's sentences marked whole stay in their paragraphs)."""
    pairs: list[tuple[Sequence[str], Sequence[str]]] = (
        [([a], [b]) for a, b in zip(old, new, strict=True)] if len(old) == len(new) else [(old, new)])
    out: list[DiffPara] = []
    for old_part, new_part in pairs:
        if len(old_part) == 1 and _no_sentence_kept(old_part[0], new_part[0]):
            old_text, new_text = old_part[0].strip(), new_part[0].strip()
            words = _word_count(old_part[0]) + _word_count(new_part[0])
            out.append(DiffPara((("-", old_text), ("=", " "), ("+", new_text)), True, words))
            continue
        built = _word_diff(old_part, new_part)
        out.extend(DiffPara(tuple(segments), any(op != "=" for op, _ in segments), words)
                   for segments, words in zip(built.paragraphs, built.words, strict=True))
    return out


def body_diff(old: Sequence[str], new: Sequence[str]) -> tuple[list[DiffPara], bool]:
    """Paragraphs aligned first, then changed blocks word by word. Returns the paragraphs and
    whether some block was too large to align word by word (shown whole instead)."""
    out: list[DiffPara] = []
    whole = False
    for tag, i1, i2, j1, j2 in _sentence_opcodes(list(old), list(new)):
        if tag == "equal":
            out.extend(DiffPara((("=", p),), False, _word_count(p)) for p in new[j1:j2])
            continue
        if tag == "replace":
            old_words = sum(_word_count(p) for p in old[i1:i2])
            new_words = sum(_word_count(p) for p in new[j1:j2])
            if old_words * new_words <= MAX_ALIGN:
                out.extend(_aligned(old[i1:i2], new[j1:j2]))
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
