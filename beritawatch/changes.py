"""What changed between two versions of an article: identity, sentence diff, edit kind, and the
detectors for changes that are not edits (extraction collapse, flip-flop, portal breakage).

Pure functions, no I/O. The flow decides what to store and alert; this module only judges.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import heapq
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

from beritawatch.i18n import DEFAULT_LANGUAGE, Language, t
from beritawatch.sentences import (
    extract_numbers,
    extract_quotes,
    extract_speakers,
    negation_count,
    proper_names,
    split_sentences,
)

__all__ = [
    "ChangedSentence",
    "EditKind",
    "EditRecord",
    "VersionKind",
    "VersionText",
    "classify_version",
    "content_hash",
    "diff_versions",
    "is_extraction_collapse",
    "is_portal_breakage",
    "meta_hash",
    "normalize_text",
]

EditKind = Literal["minor", "substantive", "rewrite"]
VersionKind = Literal["new", "unchanged", "revert"]

# --- thresholds -----------------------------------------------------------------------------
# Similarities are difflib ratios over word tokens (words and punctuation marks): fast on long
# sentences, and a typo costs one token. Measured on Indonesian news sentences: unrelated
# sentences of one story score 0.08-0.30, the same sentence edited (a word, a clause, a number
# swapped) 0.56-0.90.

# Two sentences are "the same sentence, edited" at this similarity or above (the gap's middle).
CHANGED_MIN_SIMILARITY = 0.5
# Only the PAIR_SHORTLIST partners sharing the most words (Dice on word sets, at least
# PAIR_MIN_WORD_OVERLAP) are compared per old sentence: keeps a rewrite at O(n) ratios.
PAIR_MIN_WORD_OVERLAP = 0.3
PAIR_SHORTLIST = 3
# An edit of at most TYPO_MAX_CHARS characters is a typo fix. Up to MINOR_MAX_CHANGED_CHARS
# (one or two words: a synonym, a particle, a spelling) it is minor while the sentence keeps
# MINOR_MIN_SIMILARITY; a new clause is longer, and one word swapped in a three-word sentence
# ("Ia hadir." / "Ia pergi.") falls below the similarity. Numbers, quotes, speakers, negation
# and names are never minor.
TYPO_MAX_CHARS = 2
MINOR_MAX_CHANGED_CHARS = 16
MINOR_MIN_SIMILARITY = 0.7
# One sentence split in two, or two merged ("A. Namun, B." / "A, tetapi B."), is one changed
# sentence when the joined texts have this similarity and every piece of the split side draws
# RESPLIT_MIN_COVERAGE of its tokens from the other side (so "S" -> "S' + new sentence" is an
# edit plus an addition, not one long edit).
RESPLIT_MIN_SIMILARITY = 0.8
RESPLIT_MIN_COVERAGE = 0.6
# An old sentence "survives" when kept, moved, or edited to at least this similarity.
SURVIVE_MIN_SIMILARITY = 0.75
# Fewer surviving old sentences than this share makes the edit a rewrite: most of what a
# reader saw before is gone. Needs at least REWRITE_MIN_OLD_SENTENCES to judge.
REWRITE_MAX_SURVIVAL = 0.5
REWRITE_MIN_OLD_SENTENCES = 2
# An added or removed sentence this short, with no number or quote, is debris (a stray
# "Foto: Ist.", a caption word), not news.
TRIVIAL_SENTENCE_MAX_WORDS = 2
# Names in an edited sentence count as the same name at this character similarity
# ("Prabwo"/"Prabowo").
NAME_MIN_SIMILARITY = 0.75
# Quotes are the same quote, lightly corrected, at this character similarity.
QUOTE_SAME_MIN_SIMILARITY = 0.9

# Extraction collapse: a page whose body fell under COLLAPSE_MAX_SHARE of the previous body's
# length, or under COLLAPSE_FLOOR_CHARS when it had more, was half-extracted (an error page,
# a consent wall, a template change), not edited. The shortest real Indonesian news items
# (breaking flashes) run ~300 characters; editors trim, they do not cut 60% in one go, and a
# retraction notice is recognised separately.
COLLAPSE_MAX_SHARE = 0.4
COLLAPSE_FLOOR_CHARS = 200
# Words of an editorial retraction or correction notice: a short body saying these is a real
# edit. Generic apologies ("mohon maaf", "halaman telah dihapus") are left out: error and
# soft-404 pages say them too.
RETRACTION_MARKERS = ("mencabut", "dicabut", "pencabutan", "ralat", "hak jawab", "hak koreksi",
                      "koreksi")

# Portal breakage: in one pass, at least BREAKAGE_MIN_ARTICLES articles of one portal changed
# or failed AND they are at least BREAKAGE_MIN_SHARE of that portal's checks. Real edits come
# a few per pass (NewsEdits: ~3.6 versions per article over its whole life); a template change
# hits every article checked. The absolute floor keeps a small watch list (3 of 4 edited on a
# busy morning) from being called broken.
BREAKAGE_MIN_ARTICLES = 5
BREAKAGE_MIN_SHARE = 0.5

# --- normalization and identity -------------------------------------------------------------

_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\ufeff\ufff9\ufffa\ufffb"
)
_TRANSLATE: dict[int, str | None] = {ord(ch): None for ch in _INVISIBLE}
_TRANSLATE.update({ord(ch): '"' for ch in "“”„‟«»″〝〞"})
# Acute accent and primes must be mapped before NFKC, which would turn them into a space plus
# a combining mark ("Jum´at" -> "Jum ́at").
_TRANSLATE.update({ord(ch): "'" for ch in "‘’‚‛‹›′´`ʼʻ"})
_TRANSLATE.update({ord(ch): "-" for ch in "‐‑‒–—―−﹘"})


def normalize_text(s: str) -> str:
    """Reader-equivalent text: NFKC, no invisible characters, one quote and dash style (a
    doubled apostrophe is a double quote), single spaces (NBSP and every other space
    included), trimmed. Case and punctuation are kept."""
    s = unicodedata.normalize("NFKC", s.translate(_TRANSLATE)).translate(_TRANSLATE)
    # Republika types a double quote as two single ones: ‘’Tidak...’’
    return " ".join(s.replace("''", '"').split())


def _paragraphs(body: Sequence[str]) -> list[str]:
    return [p for p in (normalize_text(x) for x in body) if p]


def _identity(title: str, body: Sequence[str]) -> str:
    return _identity_of(normalize_text(title), _paragraphs(body))


def _identity_of(title: str, paragraphs: list[str]) -> str:
    # Paragraph breaks are joined with a space: regrouping the same text (a <br> parsed as a new
    # paragraph, two paragraphs merged) is layout, not content.
    return title + "\n" + " ".join(paragraphs)


def content_hash(title: str, body: Sequence[str]) -> str:
    """32 hex chars identifying the normalized title + body. Equal hashes = no new version.

    Changing `normalize_text` changes hashes: re-hash stored versions in the same migration."""
    digest = hashlib.blake2b(_identity(title, body).encode(), digest_size=16, person=b"bw-content-1")
    return digest.hexdigest()


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.isoformat()


def meta_hash(
    authors: Sequence[str],
    published: dt.datetime | None,
    updated: dt.datetime | None,
    editors: Sequence[str] = (),
) -> str:
    """32 hex chars identifying byline and dates (recorded, never alerted as an edit).

    Name order and case are ignored; aware datetimes are compared as instants (UTC)."""
    payload = {
        "authors": sorted(normalize_text(a).casefold() for a in authors),
        "editors": sorted(normalize_text(e).casefold() for e in editors),
        "published": _iso(published),
        "updated": _iso(updated),
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.blake2b(raw, digest_size=16, person=b"bw-meta-1").hexdigest()


# --- versions and edit records --------------------------------------------------------------


class _HasText(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def body(self) -> Sequence[str]: ...


@dataclasses.dataclass(frozen=True, slots=True)
class VersionText:
    """The reader-visible text of one version: title and body paragraphs."""

    title: str
    body: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.body, tuple):
            object.__setattr__(self, "body", tuple(self.body))

    @classmethod
    def from_article(cls, article: _HasText) -> VersionText:
        """From a `parsers.article.Article` (or anything with `title` and `body`)."""
        return cls(article.title, tuple(article.body))

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.body)


@dataclasses.dataclass(frozen=True, slots=True)
class ChangedSentence:
    """One sentence edited in place: old and new text, difflib similarity, and why the edit is
    not minor ("reworded", "numbers", "quotes", "attributions", "negation", "names"); no
    reasons = a minor edit (a typo or a word, no fact touched)."""

    old: str
    new: str
    similarity: float
    reasons: tuple[str, ...] = ()

    @property
    def minor(self) -> bool:
        return not self.reasons

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "similarity": round(self.similarity, 3),
                "minor": self.minor, "reasons": list(self.reasons)}


@dataclasses.dataclass(frozen=True, slots=True)
class EditRecord:
    """The difference between two versions that are not equal once normalized."""

    kind: EditKind
    reasons: tuple[str, ...]  # why substantive/rewrite: "added", "numbers", "quotes", ...
    title_changed: tuple[str, str] | None  # (old, new) normalized titles
    lede_changed: bool  # the first paragraph differs
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[ChangedSentence, ...]
    moved: tuple[str, ...]  # kept word for word, at another place
    numbers_removed: tuple[str, ...]
    numbers_added: tuple[str, ...]
    quotes_removed: tuple[str, ...]
    quotes_added: tuple[str, ...]
    attributions_removed: tuple[str, ...]  # speakers no longer quoted or cited
    attributions_added: tuple[str, ...]
    old_sentences: int
    new_sentences: int
    survival: float  # share of old sentences kept, moved or lightly edited
    change_ratio: float  # share of the text (characters, both versions) the edit touched

    @property
    def numbers_changed(self) -> bool:
        return bool(self.numbers_removed or self.numbers_added)

    @property
    def quotes_changed(self) -> bool:
        return bool(self.quotes_removed or self.quotes_added)

    @property
    def attributions_changed(self) -> bool:
        return bool(self.attributions_removed or self.attributions_added)

    def summary(self, max_chars: int = 200) -> str:
        """One line for an alert or a log: kind, then what changed, long lists cut."""
        parts: list[str] = []
        if self.title_changed:
            parts.append("title changed")
        if self.lede_changed:
            parts.append("lede changed")
        counts = self._sentence_counts()
        if counts:
            parts.append(counts)
        if self.numbers_changed:
            old = ", ".join(self.numbers_removed[:3]) or "-"
            new = ", ".join(self.numbers_added[:3]) or "-"
            parts.append(f"numbers {old} → {new}")
        if self.quotes_changed:
            parts.append(f"quotes +{len(self.quotes_added)} -{len(self.quotes_removed)}")
        if self.attributions_changed:
            parts.append("sources " + ", ".join(
                [f"+{a}" for a in self.attributions_added[:2]]
                + [f"-{a}" for a in self.attributions_removed[:2]]))
        text = f"{self.kind}: " + "; ".join(parts)
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"

    def _sentence_counts(self) -> str:
        """E.g. "+1 -2 ~1 sentences" (empty when no sentence was added, removed, changed or moved)."""
        counts = [f"+{len(self.added)}" if self.added else "",
                  f"-{len(self.removed)}" if self.removed else "",
                  f"~{len(self.changed)}" if self.changed else "",
                  f"moved {len(self.moved)}" if self.moved else ""]
        return " ".join(c for c in counts if c) + " sentences" if any(counts) else ""

    def describe(self, lang: Language = DEFAULT_LANGUAGE, max_chars: int = 300) -> str:
        """The edit in plain words for a person, e.g. "1 kalimat ditambahkan; angka: – → 300"."""
        return describe_edit(self.to_json(), lang, max_chars)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; tuples become lists, changed sentences become dicts."""
        return {
            "kind": self.kind,
            "reasons": list(self.reasons),
            "title_changed": list(self.title_changed) if self.title_changed else None,
            "lede_changed": self.lede_changed,
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [c.to_json() for c in self.changed],
            "moved": list(self.moved),
            "numbers_changed": self.numbers_changed,
            "numbers_removed": list(self.numbers_removed),
            "numbers_added": list(self.numbers_added),
            "quotes_removed": list(self.quotes_removed),
            "quotes_added": list(self.quotes_added),
            "attributions_changed": self.attributions_changed,
            "attributions_removed": list(self.attributions_removed),
            "attributions_added": list(self.attributions_added),
            "old_sentences": self.old_sentences,
            "new_sentences": self.new_sentences,
            "survival": round(self.survival, 3),
            "change_ratio": round(self.change_ratio, 3),
            "summary": self.summary(),
        }


def _names(values: Sequence[str], limit: int = 3) -> str:
    return ", ".join(values[:limit]) + ("…" if len(values) > limit else "")


_COUNTED = ("added", "removed", "changed", "moved", "quotes_added", "quotes_removed")


def _describe_numbers(record: Mapping[str, Any], lang: Language) -> list[str]:
    old, new = record.get("numbers_removed") or [], record.get("numbers_added") or []
    if not (old or new):
        return []
    return [t("sum.numbers", lang, old=_names(old) or "–", new=_names(new) or "–")]


def describe_edit(record: Mapping[str, Any], lang: Language = DEFAULT_LANGUAGE, max_chars: int = 300) -> str:
    """Plain words for a stored edit record (`EditRecord.to_json()`), in one language."""
    parts = [t(key, lang) for key, flag in (("sum.title", "title_changed"), ("sum.lede", "lede_changed"))
             if record.get(flag)]
    parts += [t(f"sum.{key}", lang, n=len(record[key])) for key in _COUNTED[:4] if record.get(key)]
    parts += _describe_numbers(record, lang)
    parts += [t(f"sum.{key}", lang, n=len(record[key])) for key in _COUNTED[4:] if record.get(key)]
    parts += [t(f"sum.sources_{side}", lang, names=_names(record[f"attributions_{side}"], 2))
              for side in ("added", "removed") if record.get(f"attributions_{side}")]
    text = "; ".join(parts) or t("sum.none", lang)
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


# --- diff -----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD_TOKEN = re.compile(r"\w+")


@dataclasses.dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    tokens: tuple[str, ...]
    words: frozenset[str]  # lowercased word tokens, no punctuation

    @classmethod
    def of(cls, text: str) -> _Sentence:
        return cls(text, tuple(_TOKEN.findall(text)), frozenset(_WORD_TOKEN.findall(text.lower())))


def _ratio(a: Sequence[str], b: Sequence[str]) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _similar(a: Sequence[str], b: Sequence[str], at_least: float) -> bool:
    """`_ratio(a, b) >= at_least`, decided first by difflib's own upper bounds of the ratio (the
    lengths, then the shared items counted as multisets): most pairs of unrelated quotes or names
    stop there, before the matcher is even built. Same answers, far fewer quadratic matches."""
    total = len(a) + len(b)
    if total and 2.0 * min(len(a), len(b)) / total < at_least:
        return False
    if total and 2.0 * sum((Counter(a) & Counter(b)).values()) / total < at_least:
        return False
    return _ratio(a, b) >= at_least


def _char_changes(a: str, b: str) -> int:
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


def _changed_chars(old: _Sentence, new: _Sentence, limit: int) -> int:
    """Characters edited, counted inside the differing word spans only; stops past `limit`."""
    total = 0
    matcher = difflib.SequenceMatcher(None, old.tokens, new.tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            total += _char_changes(" ".join(old.tokens[i1:i2]), " ".join(new.tokens[j1:j2]))
            if total > limit:
                break
    return total


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def _names_differ(old: str, new: str) -> bool:
    old_names, new_names = set(proper_names(old)), set(proper_names(new))

    def unmatched(these: set[str], others: set[str]) -> bool:
        return any(
            not any(_similar(n, o, NAME_MIN_SIMILARITY) for o in others) for n in these - others
        )

    return unmatched(new_names, old_names) or unmatched(old_names, new_names)


def _pair_reasons(old: _Sentence, new: _Sentence, similarity: float) -> tuple[str, ...]:
    """Why an edit from `old` to `new` is not minor; empty when it is."""
    reasons: list[str] = []
    chars = _changed_chars(old, new, MINOR_MAX_CHANGED_CHARS)
    if chars > TYPO_MAX_CHARS and (
        chars > MINOR_MAX_CHANGED_CHARS or similarity < MINOR_MIN_SIMILARITY
    ):
        reasons.append("reworded")
    if Counter(extract_numbers(old.text)) != Counter(extract_numbers(new.text)):
        reasons.append("numbers")
    if any(_fuzzy_diff(extract_quotes(old.text), extract_quotes(new.text), QUOTE_SAME_MIN_SIMILARITY)):
        reasons.append("quotes")
    if any(_speakers_diff(extract_speakers(old.text), extract_speakers(new.text))):
        reasons.append("attributions")
    if negation_count(old.text) != negation_count(new.text):
        reasons.append("negation")
    if _names_differ(old.text, new.text):
        reasons.append("names")
    return tuple(reasons)


def _edit_pair(old: _Sentence, new: _Sentence, similarity: float | None = None) -> ChangedSentence:
    sim = _ratio(old.tokens, new.tokens) if similarity is None else similarity
    return ChangedSentence(old.text, new.text, sim, _pair_reasons(old, new, sim))


def _is_trivial(sentence: str) -> bool:
    return (len(sentence.split()) <= TRIVIAL_SENTENCE_MAX_WORDS
            and not extract_numbers(sentence) and '"' not in sentence)


def _multiset_diff(old: Sequence[str], new: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(removed, added) items, in order of appearance, as multisets."""
    left, right = Counter(new), Counter(old)
    removed: list[str] = []
    for item in old:
        if left[item] > 0:
            left[item] -= 1
        else:
            removed.append(item)
    added: list[str] = []
    for item in new:
        if right[item] > 0:
            right[item] -= 1
        else:
            added.append(item)
    return tuple(removed), tuple(added)


def _fuzzy_diff(old: list[str], new: list[str], same: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Like `_multiset_diff`, but an item with a near twin on the other side (character
    similarity >= same: a typo fixed inside a quote) counts as kept."""
    removed, added = _multiset_diff(old, new)
    gone = tuple(r for r in removed if not any(_similar(r, a, same) for a in added))
    came = tuple(a for a in added if not any(_similar(a, r, same) for r in removed))
    return gone, came


def _speakers_diff(old: list[str], new: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Speakers match when they share a capitalized word ("Kirby" ~ "John Kirby") or are equal."""

    def key(s: str) -> frozenset[str]:
        caps = frozenset(w for w in s.split() if w[:1].isupper())
        return caps or frozenset({s.lower()})

    def unmatched(these: list[str], others: list[str]) -> tuple[str, ...]:
        keys = [key(o) for o in others]
        out: list[str] = []
        for s in these:
            if not any(key(s) & k for k in keys) and s not in out:
                out.append(s)
        return tuple(out)

    return unmatched(old, new), unmatched(new, old)


def _coverage(piece: _Sentence, whole: Counter[str]) -> float:
    counts = Counter(piece.tokens)
    return sum((counts & whole).values()) / len(piece.tokens) if piece.tokens else 1.0


def _resplit(olds: list[_Sentence], news: list[_Sentence]) -> ChangedSentence | None:
    """One changed sentence when `olds` and `news` are the same text split differently."""
    one, many = (olds[0], news) if len(olds) == 1 else (news[0], olds)
    whole = Counter(one.tokens)
    if any(_coverage(piece, whole) < RESPLIT_MIN_COVERAGE for piece in many):
        return None
    old = _Sentence.of(" ".join(s.text for s in olds))
    new = _Sentence.of(" ".join(s.text for s in news))
    sim = _ratio(old.tokens, new.tokens)
    return _edit_pair(old, new, sim) if sim >= RESPLIT_MIN_SIMILARITY else None


@dataclasses.dataclass(slots=True)
class _Alignment:
    pairs: list[tuple[int, ChangedSentence]]  # (position of the first old sentence, pair)
    removed: list[str]
    added: list[str]
    moved: list[str]
    survived: int  # old sentences kept, moved, or edited to >= SURVIVE_MIN_SIMILARITY

    def add_pair(self, position: int, pair: ChangedSentence, old_count: int) -> None:
        self.pairs.append((position, pair))
        if pair.similarity >= SURVIVE_MIN_SIMILARITY:
            self.survived += old_count


def _align(old_texts: list[str], new_texts: list[str]) -> _Alignment:
    """Match old sentences to new ones: kept in place, resplit, moved, edited; the rest are
    removed or added."""
    out = _Alignment([], [], [], [], 0)
    # Tokens only for sentences outside equal runs: most of a long article is unchanged.
    old_s: dict[int, _Sentence] = {}
    new_s: dict[int, _Sentence] = {}
    old_left, new_left = _align_runs(old_texts, new_texts, old_s, new_s, out)
    still_old, still_new = _align_moved(old_texts, new_texts, old_left, new_left, out)
    used_old, used_new = _align_edited(still_old, still_new, old_s, new_s, out)
    out.pairs.sort(key=lambda p: p[0])
    out.removed = [old_texts[i] for i in still_old if i not in used_old]
    out.added = [new_texts[j] for j in still_new if j not in used_new]
    return out


def _align_runs(old_texts: list[str], new_texts: list[str], old_s: dict[int, _Sentence],
                new_s: dict[int, _Sentence], out: _Alignment) -> tuple[list[int], list[int]]:
    """Equal runs survive; one sentence split in two (or two joined) is a pair; the positions
    of every other sentence are returned (old, new)."""
    old_left: list[int] = []
    new_left: list[int] = []
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.survived += i2 - i1
            continue
        for i in range(i1, i2):
            old_s[i] = _Sentence.of(old_texts[i])
        for j in range(j1, j2):
            new_s[j] = _Sentence.of(new_texts[j])
        if tag == "replace" and min(i2 - i1, j2 - j1) == 1 and max(i2 - i1, j2 - j1) > 1:
            pair = _resplit([old_s[i] for i in range(i1, i2)], [new_s[j] for j in range(j1, j2)])
            if pair is not None:
                out.add_pair(i1, pair, i2 - i1)
                continue
        old_left.extend(range(i1, i2))
        new_left.extend(range(j1, j2))
    return old_left, new_left


def _align_moved(old_texts: list[str], new_texts: list[str], old_left: list[int], new_left: list[int],
                 out: _Alignment) -> tuple[list[int], list[int]]:
    """Sentences kept word for word but moved elsewhere; returns the positions still unmatched."""
    slots: dict[str, list[int]] = {}
    for j in new_left:
        slots.setdefault(new_texts[j], []).append(j)
    still_old: list[int] = []
    taken: set[int] = set()
    for i in old_left:
        free = slots.get(old_texts[i])
        if free:
            taken.add(free.pop(0))
            out.moved.append(old_texts[i])
            out.survived += 1
        else:
            still_old.append(i)
    return still_old, [j for j in new_left if j not in taken]


def _align_edited(still_old: list[int], still_new: list[int], old_s: dict[int, _Sentence],
                  new_s: dict[int, _Sentence], out: _Alignment) -> tuple[set[int], set[int]]:
    """Edited sentences: best pairs first, each sentence used once; returns the used positions."""
    candidates: list[tuple[float, int, int]] = []
    for i in still_old:
        words = old_s[i].words
        overlaps = [(_dice(words, new_s[j].words), j) for j in still_new]
        shortlist = heapq.nlargest(PAIR_SHORTLIST, (o for o in overlaps if o[0] >= PAIR_MIN_WORD_OVERLAP))
        for _, j in shortlist:
            sim = _ratio(old_s[i].tokens, new_s[j].tokens)
            if sim >= CHANGED_MIN_SIMILARITY:
                candidates.append((sim, i, j))
    candidates.sort(key=lambda c: (-c[0], abs(c[1] - c[2]), c[1]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    for sim, i, j in candidates:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            out.add_pair(i, _edit_pair(old_s[i], new_s[j], sim), 1)
    return used_old, used_new


def _sentences(paragraphs: list[str], cache: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        if p not in cache:
            cache[p] = split_sentences(p)
        out.extend(cache[p])
    return out


@dataclasses.dataclass(frozen=True, slots=True)
class _Facts:
    """Numbers, quotes and speakers that the edit removed or added."""

    numbers_removed: tuple[str, ...]
    numbers_added: tuple[str, ...]
    quotes_removed: tuple[str, ...]
    quotes_added: tuple[str, ...]
    attributions_removed: tuple[str, ...]
    attributions_added: tuple[str, ...]

    def reasons(self) -> list[str]:
        """"numbers", "quotes", "attributions": the kinds of facts that changed."""
        hits = (("numbers", self.numbers_removed or self.numbers_added),
                ("quotes", self.quotes_removed or self.quotes_added),
                ("attributions", self.attributions_removed or self.attributions_added))
        return [name for name, hit in hits if hit]


def _facts(titles: tuple[list[str], list[str]], paragraphs: tuple[list[str], list[str]],
           al: _Alignment, pairs: Sequence[ChangedSentence]) -> _Facts:
    """Facts are compared on what differs only: kept and moved text would cancel out anyway.
    `titles` holds the old and new title when the title changed (else two empty lists)."""
    old_touched = al.removed + [p.old for p in pairs]
    new_touched = al.added + [p.new for p in pairs]
    numbers_removed, numbers_added = _multiset_diff(
        [n for t in titles[0] + old_touched for n in extract_numbers(t)],
        [n for t in titles[1] + new_touched for n in extract_numbers(t)],
    )
    old_only_p, new_only_p = _multiset_diff(*paragraphs)
    quotes_removed, quotes_added = _fuzzy_diff(
        [q for p in old_only_p for q in extract_quotes(p)],
        [q for p in new_only_p for q in extract_quotes(p)],
        QUOTE_SAME_MIN_SIMILARITY,
    )
    attributions_removed, attributions_added = _speakers_diff(
        [s for x in old_touched for s in extract_speakers(x)],
        [s for x in new_touched for s in extract_speakers(x)],
    )
    return _Facts(numbers_removed, numbers_added, quotes_removed, quotes_added,
                  attributions_removed, attributions_added)


def _reasons(title_pair: ChangedSentence | None, al: _Alignment, pairs: Sequence[ChangedSentence],
             facts: _Facts) -> list[str]:
    """Why the edit is not minor, in a stable order: title, added, removed, pair reasons, facts."""
    reasons: list[str] = []
    if title_pair and title_pair.reasons:
        reasons.append("title")
    if any(not _is_trivial(s) for s in al.added):
        reasons.append("added")
    if any(not _is_trivial(s) for s in al.removed):
        reasons.append("removed")
    for reason in [r for pair in pairs for r in pair.reasons] + facts.reasons():
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def _edit_kind(old_sentences: int, survival: float, reasons: Sequence[str]) -> EditKind:
    if old_sentences >= REWRITE_MIN_OLD_SENTENCES and survival < REWRITE_MAX_SURVIVAL:
        return "rewrite"
    return "substantive" if reasons else "minor"


def _change_ratio(titles: tuple[str, str], title_pair: ChangedSentence | None, sentences: tuple[list[str], list[str]],
                  al: _Alignment, pairs: Sequence[ChangedSentence]) -> float:
    """The share of the text (characters, both versions) the edit touched."""
    touched = (sum(map(len, al.added)) + sum(map(len, al.removed))
               + sum((len(p.old) + len(p.new)) * (1 - p.similarity) for p in pairs))
    if title_pair:
        touched += (len(titles[0]) + len(titles[1])) * (1 - title_pair.similarity)
    total = len(titles[0]) + len(titles[1]) + sum(map(len, sentences[0])) + sum(map(len, sentences[1]))
    return min(1.0, touched / total) if total else 0.0


def diff_versions(old: VersionText, new: VersionText) -> EditRecord | None:
    """The edit from `old` to `new`, or None when they are equal once normalized (same
    `content_hash`: whitespace, invisible characters, quote styles, paragraph regrouping)."""
    old_title, new_title = normalize_text(old.title), normalize_text(new.title)
    old_p, new_p = _paragraphs(old.body), _paragraphs(new.body)
    if _identity_of(old_title, old_p) == _identity_of(new_title, new_p):
        return None
    cache: dict[str, list[str]] = {}
    old_s, new_s = _sentences(old_p, cache), _sentences(new_p, cache)
    al = _align(old_s, new_s)
    pairs = [p for _, p in al.pairs]
    title_changed = (old_title, new_title) if old_title != new_title else None
    title_pair = _edit_pair(_Sentence.of(old_title), _Sentence.of(new_title)) if title_changed else None
    facts = _facts(([old_title], [new_title]) if title_changed else ([], []), (old_p, new_p), al, pairs)
    reasons = _reasons(title_pair, al, pairs, facts)
    survival = min(1.0, al.survived / len(old_s)) if old_s else 1.0
    return EditRecord(
        kind=_edit_kind(len(old_s), survival, reasons),
        reasons=tuple(reasons),
        title_changed=title_changed,
        lede_changed=(old_p[:1] != new_p[:1]),
        added=tuple(al.added),
        removed=tuple(al.removed),
        changed=tuple(pairs),
        moved=tuple(al.moved),
        numbers_removed=facts.numbers_removed,
        numbers_added=facts.numbers_added,
        quotes_removed=facts.quotes_removed,
        quotes_added=facts.quotes_added,
        attributions_removed=facts.attributions_removed,
        attributions_added=facts.attributions_added,
        old_sentences=len(old_s),
        new_sentences=len(new_s),
        survival=survival,
        change_ratio=_change_ratio((old_title, new_title), title_pair, (old_s, new_s), al, pairs),
    )


# --- changes that are not edits -------------------------------------------------------------


def is_extraction_collapse(old_body: Sequence[str], new_body: Sequence[str]) -> bool:
    """True when the new body looks half-extracted rather than edited: empty, or under
    COLLAPSE_MAX_SHARE of the old length, or under COLLAPSE_FLOOR_CHARS when the old one was
    longer. A short body carrying a retraction or correction notice is not a collapse."""
    old_len = len(" ".join(_paragraphs(old_body)))
    new_text = " ".join(_paragraphs(new_body))
    new_len = len(new_text)
    if old_len == 0 or new_len >= old_len:
        return False
    if new_len == 0:
        return True
    shrunk = new_len < COLLAPSE_MAX_SHARE * old_len or (
        new_len < COLLAPSE_FLOOR_CHARS <= old_len
    )
    if not shrunk:
        return False
    lowered = new_text.lower()
    return not any(marker in lowered for marker in RETRACTION_MARKERS)


def classify_version(new_hash: str, history_hashes: Sequence[str]) -> VersionKind:
    """"unchanged" if `new_hash` is the latest of `history_hashes` (oldest first), "revert" if it
    equals an earlier one (a flip-flop: record it, do not alert), else "new"."""
    if history_hashes and history_hashes[-1] == new_hash:
        return "unchanged"
    if new_hash in history_hashes:
        return "revert"
    return "new"


def is_portal_breakage(changed: int, failed: int, checked: int) -> bool:
    """True when one portal's pass looks like a template change, not news: `changed` (new
    content hashes) plus `failed` (parse errors, collapses) reach BREAKAGE_MIN_ARTICLES and
    BREAKAGE_MIN_SHARE of `checked`. Raises ValueError on negative or inconsistent counts."""
    if min(changed, failed, checked) < 0:
        raise ValueError(f"counts must be >= 0: changed={changed} failed={failed} checked={checked}")
    if changed + failed > checked:
        raise ValueError(f"changed + failed ({changed + failed}) exceeds checked ({checked})")
    hit = changed + failed
    return hit >= BREAKAGE_MIN_ARTICLES and hit >= BREAKAGE_MIN_SHARE * checked
