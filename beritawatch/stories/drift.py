"""What drifted between two outlets' versions of one story: the sentences one has and the other
lacks, sentences changed between them (with why: numbers, quotes, names ...), and the facts a
member adds that the reference version never states.

Reuses the edit diff of `beritawatch.changes` (sentence alignment, fact detectors): an outlet's
copy is read as an "edit" of the reference outlet's text, datelines removed first.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Literal

from beritawatch.changes import VersionText, diff_versions, normalize_text
from beritawatch.sentences import extract_quotes
from beritawatch.stories.features import names_of, number_facts, quote_key, sentences_of, strip_dateline

DifferenceKind = Literal["added", "missing", "changed"]


@dataclasses.dataclass(frozen=True, slots=True)
class StoryText:
    """One member's current text."""

    url: str
    portal: str
    title: str
    body: tuple[str, ...]
    seen: dt.datetime  # when this version was first stored


@dataclasses.dataclass(frozen=True, slots=True)
class Difference:
    """One sentence-level difference of a member against the reference member.

    added: the member has `text`, the reference lacks it; missing: the reference has
    `other_text`, the member lacks it; changed: the reference says `other_text`, the member
    says `text` instead (`reasons` such as "numbers", "quotes", "names", "reworded")."""

    kind: DifferenceKind
    text: str
    other_text: str = ""
    reasons: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Drift:
    """A member against the story's reference member."""

    member_url: str
    reference_url: str
    differences: tuple[Difference, ...]
    new_facts: tuple[str, ...]  # numbers, quotes, names stated only by the member
    fact_sentences: tuple[str, ...]  # the member's added sentences that carry them
    survival: float  # share of the reference's sentences the member kept (0..1)

    @property
    def adds_facts(self) -> bool:
        return bool(self.new_facts)


def _undated(body: Sequence[str]) -> tuple[str, ...]:
    return tuple(strip_dateline(normalize_text(p)) if i == 0 else p for i, p in enumerate(body))


def _facts(sentences: Sequence[str]) -> tuple[set[str], set[str], set[str]]:
    numbers = {n for s in sentences for n in number_facts(s)}
    quotes = {quote_key(q) for s in sentences for q in extract_quotes(s)}
    names = {n for s in sentences for n in names_of(s)}
    return numbers, quotes, names


@dataclasses.dataclass(frozen=True, slots=True)
class _Reference:
    """What every member of a story is measured against, worked out once per reference text."""

    sentences: tuple[str, ...]
    numbers: frozenset[str]
    quotes: frozenset[str]
    names: frozenset[str]
    lowered: str  # all its sentences, lowercased


@functools.lru_cache(maxsize=32)
def _reference(body: tuple[str, ...]) -> _Reference:
    # A pass compares every new member of a story with one first member: without this cache its
    # facts were extracted again for each of them.
    sentences = tuple(sentences_of(body))
    numbers, quotes, names = _facts(sentences)
    return _Reference(sentences, frozenset(numbers), frozenset(quotes), frozenset(names), " ".join(sentences).lower())


def _new_facts(reference: _Reference, added: Sequence[str]) -> tuple[list[str], list[str]]:
    """Facts in the added sentences that the reference never states, and their sentences."""
    ref_numbers, ref_quotes, ref_names = reference.numbers, reference.quotes, reference.names
    ref_text = reference.lowered
    facts: list[str] = []
    carriers: list[str] = []
    for sentence in added:
        numbers, quotes, names = _facts([sentence])
        found = ([n for n in sorted(numbers) if n not in ref_numbers and n.split()[0] not in ref_text]
                 + [f'"{q}"' for q in sorted(quotes) if q and q not in ref_quotes]
                 + [n for n in sorted(names) if n not in ref_names and n not in ref_text])
        if found:
            facts.extend(f for f in found if f not in facts)
            carriers.append(sentence)
    return facts, carriers


def drift(reference: StoryText, member: StoryText) -> Drift:
    """How `member` differs from `reference` (an empty drift when their texts are equal)."""
    ref_text = VersionText(reference.title, _undated(reference.body))
    record = diff_versions(ref_text, VersionText(member.title, _undated(member.body)))
    if record is None:
        return Drift(member.url, reference.url, (), (), (), 1.0)
    differences = [Difference("added", s) for s in record.added]
    differences += [Difference("missing", "", s) for s in record.removed]
    differences += [Difference("changed", c.new, c.old, c.reasons) for c in record.changed if c.reasons]
    facts, carriers = _new_facts(_reference(tuple(reference.body)), record.added)
    return Drift(member.url, reference.url, tuple(differences), tuple(facts), tuple(carriers),
                 record.survival)
