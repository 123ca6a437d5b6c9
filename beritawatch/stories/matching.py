"""Do two articles report the same story? A score from their fingerprints, no text needed.

Evidence, strongest first: shared 3-word shingles (a copy of one wire text), shared quotes,
shared numbers with their unit, shared multi-word names, shared content words and title words.
Two different North Korea–Russia stories of one day share the topic's words and names
("Korea Utara", "Kim Jong Un"), so topic words alone never decide: thresholds below were set on
the labelled real pairs in bench/data/story_pairs.jsonl (see README "Stories").
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from beritawatch.stories import minhash
from beritawatch.stories.features import Fingerprint

COPY_MIN_SHINGLES = 0.5  # near-identical text (estimated shingle Jaccard)
SAME_MIN_SHINGLES = 0.2  # this much shared running text is one story whatever else differs
SAME_MIN_SCORE = 0.33  # otherwise the weighted evidence must reach this
# ... and only between texts long enough for word overlap to mean something: two three-sentence
# items of one topic share a third of their few words by chance (measured on the replica's
# first-day pieces: "Korsel menuding ..." against "Amerika menuding ..." scored 0.39).
EVIDENCE_MIN_WORDS = 30


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    """The evidence that two articles report one story, and the verdict."""

    shingles: float
    words: float
    quotes: int
    numbers: int
    names: float
    title: float
    score: float
    same: bool

    @property
    def similarity(self) -> float:
        """One number for analysts: the larger of the text overlap and the evidence score."""
        return round(max(self.shingles, min(self.score, 1.0)), 3)

    def to_json(self) -> dict[str, float | int | bool]:
        return dataclasses.asdict(self)


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def evidence_score(words: float, quotes: int, numbers: int, names: float, title: float) -> float:
    """Weighted evidence beyond shared running text (weights chosen on the labelled pairs)."""
    return (1.2 * words + 0.25 * min(quotes, 2) + 0.08 * min(numbers, 3) + 0.3 * names + 0.3 * title)


def compare(a: Fingerprint, b: Fingerprint, window: dt.timedelta) -> Match:
    """How strongly `a` and `b` look like one story; never the same outside the time window."""
    shingles = minhash.similarity(a.shingles, b.shingles)
    words = minhash.similarity(a.words, b.words)
    quotes = len(a.quotes & b.quotes)
    numbers = len({n for n in a.numbers & b.numbers if " " in n})
    # One shared name is the topic ("korea utara"), not evidence of one story: count from two.
    names = _dice(a.names, b.names) if len(a.names & b.names) >= 2 else 0.0
    title = _dice(a.title_words, b.title_words)
    score = evidence_score(words, quotes, numbers, names, title)
    within = abs(a.at - b.at) <= window
    long_enough = min(a.size, b.size) >= EVIDENCE_MIN_WORDS
    same = within and (shingles >= SAME_MIN_SHINGLES or (long_enough and score >= SAME_MIN_SCORE))
    return Match(round(shingles, 3), round(words, 3), quotes, numbers, round(names, 3), round(title, 3),
                 round(score, 3), same)


def best_match(fp: Fingerprint, candidates: Sequence[Fingerprint],
               window: dt.timedelta) -> tuple[Fingerprint, Match] | None:
    """The candidate that most clearly reports the same story as `fp`, if any does."""
    best: tuple[Fingerprint, Match] | None = None
    for candidate in candidates:
        if candidate.url == fp.url:
            continue
        match = compare(fp, candidate, window)
        if match.same and (best is None or (match.shingles, match.score) > (best[1].shingles, best[1].score)):
            best = (candidate, match)
    return best
