"""What changed between two versions of an article: identity, sentence diff, edit kind, and the
detectors for changes that are not edits (extraction collapse, flip-flop, portal breakage).

Pure functions, no I/O. The flow decides what to store and alert; this module only judges.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal, Protocol

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

# Two sentences are "the same sentence, edited" at this difflib character ratio or above.
# Unrelated sentences on the same story share Indonesian function words and names and score
# 0.3-0.5; an edited sentence (a word or clause swapped) stays above 0.6.
CHANGED_MIN_SIMILARITY = 0.6
# Before paying for a character ratio, two sentences must share this share of their words
# (Dice coefficient on word sets); edited pairs score far above it, unrelated pairs below.
PAIR_MIN_WORD_OVERLAP = 0.3
# An edit to a sentence is "minor" (typo, synonym, particle) when at most this many characters
# differ and the similarity stays high. A new clause or a reworded phrase is longer than that.
MINOR_MAX_CHANGED_CHARS = 16
MINOR_MIN_SIMILARITY = 0.8
# A run of sentences split or merged differently ("A. B." vs "A, B.") is one changed sentence
# when the joined texts are this similar.
RESPLIT_MIN_SIMILARITY = 0.9
# An old sentence "survives" when kept, moved, or edited to at least this similarity.
SURVIVE_MIN_SIMILARITY = 0.8
# Fewer surviving old sentences than this share makes the edit a rewrite: most of what a
# reader saw before is gone. Needs at least REWRITE_MIN_OLD_SENTENCES to judge.
REWRITE_MAX_SURVIVAL = 0.5
REWRITE_MIN_OLD_SENTENCES = 2
# An added or removed sentence this short, with no number or quote, is debris (a stray
# "Foto: Ist.", a caption word), not news.
TRIVIAL_SENTENCE_MAX_WORDS = 2
# Names in an edited sentence count as the same name at this similarity ("Prabwo"/"Prabowo").
NAME_MIN_SIMILARITY = 0.75
# Quotes are the same quote, lightly corrected, at this similarity.
QUOTE_SAME_MIN_SIMILARITY = 0.9

# Extraction collapse: a page whose body fell under COLLAPSE_MAX_SHARE of the previous body's
# length, or under COLLAPSE_FLOOR_CHARS when it had more, was half-extracted (an error page,
# a consent wall, a template change), not edited. The shortest real Indonesian news items
# (breaking flashes) run ~300 characters; editors trim, they do not cut 60% in one go, and a
# retraction notice is recognised separately.
COLLAPSE_MAX_SHARE = 0.4
COLLAPSE_FLOOR_CHARS = 200
# Words of a retraction or correction notice: a short body saying these is a real edit.
RETRACTION_MARKERS = (
    "mencabut", "dicabut", "pencabutan", "dihapus", "menghapus", "diturunkan", "ralat",
    "koreksi", "hak jawab", "hak koreksi", "permohonan maaf", "mohon maaf",
)

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
    """Reader-equivalent text: NFKC, no invisible characters, one quote and dash style, single
    spaces (NBSP and every other space included), trimmed. Case and punctuation are kept."""
    s = unicodedata.normalize("NFKC", s.translate(_TRANSLATE)).translate(_TRANSLATE)
    return " ".join(s.split())


def _paragraphs(body: Sequence[str]) -> list[str]:
    return [p for p in (normalize_text(x) for x in body) if p]


def _identity(title: str, body: Sequence[str]) -> str:
    # Paragraph breaks are joined with a space: regrouping the same text (a <br> parsed as a new
    # paragraph, two paragraphs merged) is layout, not content.
    return normalize_text(title) + "\n" + " ".join(_paragraphs(body))


def content_hash(title: str, body: Sequence[str]) -> str:
    """32 hex chars identifying the normalized title + body. Equal hashes = no new version.

    Changing `normalize_text` changes hashes: re-hash stored versions in the same migration."""
    digest = hashlib.blake2b(_identity(title, body).encode(), digest_size=16, person=b"bw-content-1")
    return digest.hexdigest()


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
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
        counts = [f"+{len(self.added)}" if self.added else "",
                  f"-{len(self.removed)}" if self.removed else "",
                  f"~{len(self.changed)}" if self.changed else "",
                  f"moved {len(self.moved)}" if self.moved else ""]
        if any(counts):
            parts.append(" ".join(c for c in counts if c) + " sentences")
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


# --- diff -----------------------------------------------------------------------------------


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _changed_chars(a: str, b: str) -> int:
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


def _words(s: str) -> frozenset[str]:
    return frozenset(w.strip(",.;:!?\"'()").lower() for w in s.split())


def _word_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def _names_differ(old: str, new: str) -> bool:
    old_names, new_names = set(proper_names(old)), set(proper_names(new))

    def unmatched(these: set[str], others: set[str]) -> bool:
        return any(
            not any(_similarity(n, o) >= NAME_MIN_SIMILARITY for o in others)
            for n in these - others
        )

    return unmatched(new_names, old_names) or unmatched(old_names, new_names)


def _pair_reasons(old: str, new: str, similarity: float) -> tuple[str, ...]:
    """Why an edit from `old` to `new` is not minor; empty when it is."""
    reasons: list[str] = []
    if similarity < MINOR_MIN_SIMILARITY or _changed_chars(old, new) > MINOR_MAX_CHANGED_CHARS:
        reasons.append("reworded")
    if Counter(extract_numbers(old)) != Counter(extract_numbers(new)):
        reasons.append("numbers")
    if extract_quotes(old) != extract_quotes(new):
        reasons.append("quotes")
    if sorted(extract_speakers(old)) != sorted(extract_speakers(new)):
        reasons.append("attributions")
    if negation_count(old) != negation_count(new):
        reasons.append("negation")
    if _names_differ(old, new):
        reasons.append("names")
    return tuple(reasons)


def _edit_pair(old: str, new: str, similarity: float | None = None) -> ChangedSentence:
    sim = _similarity(old, new) if similarity is None else similarity
    return ChangedSentence(old, new, sim, _pair_reasons(old, new, sim))


def _is_trivial(sentence: str) -> bool:
    return (len(sentence.split()) <= TRIVIAL_SENTENCE_MAX_WORDS
            and not extract_numbers(sentence) and '"' not in sentence)


def _multiset_diff(old: list[str], new: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
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
    """Like `_multiset_diff`, but an item with a near twin (similarity >= same) on the other
    side counts as kept."""
    removed, added = _multiset_diff(old, new)
    gone = tuple(r for r in removed if not any(_similarity(r, a) >= same for a in added))
    came = tuple(a for a in added if not any(_similarity(a, r) >= same for r in removed))
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


@dataclasses.dataclass(slots=True)
class _Alignment:
    pairs: list[ChangedSentence]
    removed: list[str]
    added: list[str]
    moved: list[str]
    survived: int  # old sentences kept, moved, or edited to >= SURVIVE_MIN_SIMILARITY


def _align(old_s: list[str], new_s: list[str]) -> _Alignment:
    out = _Alignment([], [], [], [], 0)

    def add_pair(pair: ChangedSentence, old_count: int) -> None:
        out.pairs.append(pair)
        if pair.similarity >= SURVIVE_MIN_SIMILARITY:
            out.survived += old_count

    old_left: list[int] = []
    new_left: list[int] = []
    matcher = difflib.SequenceMatcher(None, old_s, new_s, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.survived += i2 - i1
            continue
        if tag == "replace" and min(i2 - i1, j2 - j1) == 1 and max(i2 - i1, j2 - j1) > 1:
            joined_old, joined_new = " ".join(old_s[i1:i2]), " ".join(new_s[j1:j2])
            sim = _similarity(joined_old, joined_new)
            if sim >= RESPLIT_MIN_SIMILARITY:
                add_pair(_edit_pair(joined_old, joined_new, sim), i2 - i1)
                continue
        old_left.extend(range(i1, i2))
        new_left.extend(range(j1, j2))

    # Sentences kept word for word but moved elsewhere.
    by_text: dict[str, list[int]] = {}
    for j in new_left:
        by_text.setdefault(new_s[j], []).append(j)
    still_old: list[int] = []
    taken_new: set[int] = set()
    for i in old_left:
        slots = by_text.get(old_s[i])
        if slots:
            taken_new.add(slots.pop(0))
            out.moved.append(old_s[i])
            out.survived += 1
        else:
            still_old.append(i)
    still_new = [j for j in new_left if j not in taken_new]

    # Edited sentences: best pairs first, each sentence used once.
    new_words = {j: _words(new_s[j]) for j in still_new}
    candidates: list[tuple[float, int, int]] = []
    for i in still_old:
        old_words = _words(old_s[i])
        for j in still_new:
            if _word_overlap(old_words, new_words[j]) < PAIR_MIN_WORD_OVERLAP:
                continue
            sim = _similarity(old_s[i], new_s[j])
            if sim >= CHANGED_MIN_SIMILARITY:
                candidates.append((sim, i, j))
    candidates.sort(key=lambda c: (-c[0], abs(c[1] - c[2]), c[1]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    paired: list[tuple[int, ChangedSentence]] = []
    for sim, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        paired.append((i, _edit_pair(old_s[i], new_s[j], sim)))
    for _, pair in sorted(paired, key=lambda x: x[0]):
        add_pair(pair, 1)
    out.removed = [old_s[i] for i in still_old if i not in used_old]
    out.added = [new_s[j] for j in still_new if j not in used_new]
    return out


def _sentences(paragraphs: list[str]) -> list[str]:
    return [s for p in paragraphs for s in split_sentences(p)]


def diff_versions(old: VersionText, new: VersionText) -> EditRecord | None:
    """The edit from `old` to `new`, or None when they are equal once normalized (same
    `content_hash`: whitespace, invisible characters, quote styles, paragraph regrouping)."""
    if _identity(old.title, old.body) == _identity(new.title, new.body):
        return None
    old_title, new_title = normalize_text(old.title), normalize_text(new.title)
    old_p, new_p = _paragraphs(old.body), _paragraphs(new.body)
    old_s, new_s = _sentences(old_p), _sentences(new_p)
    al = _align(old_s, new_s)

    reasons: list[str] = []
    title_changed = (old_title, new_title) if old_title != new_title else None
    if title_changed and not _edit_pair(old_title, new_title).minor:
        reasons.append("title")
    if any(not _is_trivial(s) for s in al.added):
        reasons.append("added")
    if any(not _is_trivial(s) for s in al.removed):
        reasons.append("removed")
    for pair in al.pairs:
        reasons.extend(r for r in pair.reasons if r not in reasons)

    numbers_removed, numbers_added = _multiset_diff(
        extract_numbers(old_title + "\n" + "\n".join(old_p)),
        extract_numbers(new_title + "\n" + "\n".join(new_p)),
    )
    if (numbers_removed or numbers_added) and "numbers" not in reasons:
        reasons.append("numbers")
    quotes_removed, quotes_added = _fuzzy_diff(
        [q for p in old_p for q in extract_quotes(p)],
        [q for p in new_p for q in extract_quotes(p)],
        QUOTE_SAME_MIN_SIMILARITY,
    )
    if (quotes_removed or quotes_added) and "quotes" not in reasons:
        reasons.append("quotes")
    old_touched = al.removed + [p.old for p in al.pairs]
    new_touched = al.added + [p.new for p in al.pairs]
    attributions_removed, attributions_added = _speakers_diff(
        [s for x in old_touched for s in extract_speakers(x)],
        [s for x in new_touched for s in extract_speakers(x)],
    )
    if (attributions_removed or attributions_added) and "attributions" not in reasons:
        reasons.append("attributions")

    survival = min(1.0, al.survived / len(old_s)) if old_s else 1.0
    if len(old_s) >= REWRITE_MIN_OLD_SENTENCES and survival < REWRITE_MAX_SURVIVAL:
        kind: EditKind = "rewrite"
    elif reasons:
        kind = "substantive"
    else:
        kind = "minor"

    touched = (sum(len(s) for s in al.added) + sum(len(s) for s in al.removed)
               + sum((len(p.old) + len(p.new)) * (1 - p.similarity) for p in al.pairs))
    if title_changed:
        touched += (len(old_title) + len(new_title)) * (1 - _similarity(old_title, new_title))
    total = len(old_title) + len(new_title) + sum(map(len, old_s)) + sum(map(len, new_s))
    return EditRecord(
        kind=kind,
        reasons=tuple(reasons),
        title_changed=title_changed,
        lede_changed=(old_p[:1] != new_p[:1]),
        added=tuple(al.added),
        removed=tuple(al.removed),
        changed=tuple(al.pairs),
        moved=tuple(al.moved),
        numbers_removed=numbers_removed,
        numbers_added=numbers_added,
        quotes_removed=quotes_removed,
        quotes_added=quotes_added,
        attributions_removed=attributions_removed,
        attributions_added=attributions_added,
        old_sentences=len(old_s),
        new_sentences=len(new_s),
        survival=survival,
        change_ratio=min(1.0, touched / total) if total else 0.0,
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
