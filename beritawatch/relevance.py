"""Topic relevance: do the topic's actors and its subject meet within a few sentences, and where.

A topic names actor groups (e.g. North Korea, Russia), a subject (arms) and optionally link words
(supply, sell, ship...). Each sentence that mentions the subject anchors a window of `window`
sentences either side; the window is a hit when every actor group is in it too. A hit weighs
`title_weight`, `lede_weight` or 1 by where its anchor sits, times `unlinked_factor` when no link
word is in the window. The article is relevant when the hits add up to `threshold`.

Words are matched as tokens: Indonesian roots expand to their affixed forms (senjata ->
persenjataan, bersenjata, senjatanya, mempersenjatai; kirim -> mengirim, pengiriman), phrases
match token by token, and a trailing `*` matches any ending (English inflection).
"""
from __future__ import annotations

import collections
import dataclasses
import importlib.resources
import itertools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from beritawatch.i18n import Language, t
from beritawatch.sentences import split_sentences

__all__ = [
    "Evidence",
    "Match",
    "Score",
    "TermGroup",
    "Topic",
    "TopicScore",
    "default_topics",
    "score_article",
    "score_edit",
    "score_sentences",
    "topics_from_toml",
]

# --------------------------------------------------------------------------- morphology

_PLAIN_PREFIXES = ("", "di", "ter", "ke", "keter", "se", "ber", "be", "per", "pe", "me", "diper", "memper")
_NASAL_PREFIXES = ("mem", "men", "meng", "meny", "pem", "pen", "peng", "peny")
_DERIVATIONAL = ("", "an", "kan", "i")
_CLITICS = ("", "nya", "ku", "mu")
_PARTICLES = ("", "lah", "kah", "pun")
# Suffixes a name or phrase may carry: Indonesian clitics and particles, English plural.
_NAME_SUFFIXES = ("", "nya", "lah", "kah", "pun", "s", "es")


def indonesian_forms(root: str) -> frozenset[str]:
    """Every affixed form of an Indonesian root that the matcher accepts (lower case)."""
    root = root.lower()
    stems = {root}
    nasal_stems = {root}
    # meN-/peN- drop a voiceless initial: pasok -> memasok, kirim -> mengirim, suplai -> menyuplai.
    if root[:1] in {"k", "p", "t", "s"} and len(root) > 3:
        nasal_stems.add(root[1:])
    bases = [p + s for p in _PLAIN_PREFIXES for s in stems]
    bases += [p + s for p in _NASAL_PREFIXES for s in nasal_stems]
    return frozenset(
        b + d + c + q for b in bases for d in _DERIVATIONAL for c in _CLITICS for q in _PARTICLES
    )


_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


# --------------------------------------------------------------------------- topics as data


def _str_list(d: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = d.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: key {key!r} must be a list of non-empty strings, got {value!r}")
    return tuple(v.strip() for v in value)


def _check_keys(d: Any, allowed: Iterable[str], required: Iterable[str], where: str) -> None:
    if not isinstance(d, Mapping):
        raise ValueError(f"{where}: expected a table, got {type(d).__name__}")
    allowed = set(allowed)
    for key in d:
        if key not in allowed:
            raise ValueError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in d:
            raise ValueError(f"{where}: missing key {key!r}")


@dataclasses.dataclass(frozen=True, slots=True)
class TermGroup:
    """A named set of terms that stand for one actor or subject."""

    name: str
    label: str = ""
    roots: tuple[str, ...] = ()  # Indonesian roots, matched with their affixed forms
    phrases: tuple[str, ...] = ()  # words or phrases; a trailing * matches any ending
    short_forms: tuple[str, ...] = ()  # case-sensitive; count only once a full name they begin is in the text

    _KEYS = ("name", "label", "roots", "phrases", "short_forms")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], where: str = "group") -> TermGroup:
        """Build a group from a config table; ValueError names the bad key."""
        _check_keys(d, cls._KEYS, ("name",), where)
        name = d["name"]
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"{where}: key 'name' must be a lower-case identifier, got {name!r}")
        where = f"{where} {name!r}"
        label = d.get("label", name)
        if not isinstance(label, str):
            raise ValueError(f"{where}: key 'label' must be a string, got {label!r}")
        group = cls(
            name=name,
            label=label,
            roots=_str_list(d, "roots", where),
            phrases=_str_list(d, "phrases", where),
            short_forms=_str_list(d, "short_forms", where),
        )
        if not group.roots and not group.phrases:
            raise ValueError(f"{where}: needs at least one entry in 'roots' or 'phrases'")
        for root in group.roots:
            if not re.fullmatch(r"\w+", root):
                raise ValueError(f"{where}: key 'roots' holds {root!r}; a root is one word (use 'phrases')")
        for phrase in group.phrases:
            if "*" in phrase.rstrip("*") or not _tokens(phrase):
                raise ValueError(f"{where}: key 'phrases' holds {phrase!r}; '*' may only end a phrase")
        for short in group.short_forms:
            if not any(_tokens(p)[:1] == [short.lower()] for p in group.phrases):
                raise ValueError(
                    f"{where}: key 'short_forms' holds {short!r}, which begins none of the phrases"
                )
        return group


@dataclasses.dataclass(frozen=True, slots=True)
class Topic:
    """What to look for: actor groups and a subject that must meet within `window` sentences."""

    name: str
    label: str
    actors: tuple[TermGroup, ...]
    subject: TermGroup
    links: TermGroup | None = None
    exclude: tuple[str, ...] = ()  # phrases whose words never count ("gencatan senjata")
    window: int = 1  # sentences either side of a subject mention
    threshold: float = 2.0  # article score at which it is relevant
    edit_threshold: float = 1.0  # same, for the sentences of an edit
    title_weight: float = 3.0
    lede_weight: float = 2.0
    lede_sentences: int = 3  # body sentences that count as lede
    unlinked_factor: float = 0.25  # weight of a hit without any link word in its window
    description: str = ""
    _matcher: _Matcher | None = dataclasses.field(default=None, init=False, repr=False, compare=False, hash=False)

    @property
    def matcher(self) -> _Matcher:
        """The topic's term index, built on first use: a pass that scores nothing (every article
        unchanged) never builds it (~0.1 s for the shipped topic)."""
        matcher = self._matcher
        if matcher is None:
            matcher = _Matcher(self)
            object.__setattr__(self, "_matcher", matcher)
        return matcher

    _KEYS = (
        "name", "label", "description", "actors", "subject", "links", "exclude", "window",
        "threshold", "edit_threshold", "title_weight", "lede_weight", "lede_sentences",
        "unlinked_factor",
    )  # fmt: skip

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Topic:
        """Build a topic from a config table; ValueError names the bad key."""
        _check_keys(d, cls._KEYS, ("name", "actors", "subject"), "topic")
        name = d["name"]
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"topic: key 'name' must be a non-empty string, got {name!r}")
        where = f"topic {name!r}"
        label = d.get("label", name)
        description = d.get("description", "")
        for key, value in (("label", label), ("description", description)):
            if not isinstance(value, str):
                raise ValueError(f"{where}: key {key!r} must be a string, got {value!r}")
        actors_raw = d["actors"]
        if not isinstance(actors_raw, list) or not actors_raw:
            raise ValueError(f"{where}: key 'actors' must be a non-empty list of tables")
        actors = tuple(TermGroup.from_dict(a, f"{where} actors[{i}]") for i, a in enumerate(actors_raw))
        subject = TermGroup.from_dict(d["subject"], f"{where} subject")
        links = TermGroup.from_dict(d["links"], f"{where} links") if "links" in d else None
        names = [g.name for g in (*actors, subject, *([links] if links else []))]
        if len(set(names)) != len(names):
            raise ValueError(f"{where}: group names must be distinct, got {names}")
        exclude = _str_list(d, "exclude", where)
        for phrase in exclude:
            if not _tokens(phrase.rstrip("*")):
                raise ValueError(f"{where}: key 'exclude' holds {phrase!r}, which has no word")
        numbers = _topic_numbers(d, where)
        return cls(
            name=name,
            label=label,
            description=description,
            actors=actors,
            subject=subject,
            links=links,
            exclude=exclude,
            **numbers,
        )


def _topic_numbers(d: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The numeric keys of a topic table that are set, checked; ValueError names the bad key."""
    numbers: dict[str, Any] = {}
    for key in ("window", "lede_sentences"):
        if key in d:
            value = d[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{where}: key {key!r} must be a non-negative integer, got {value!r}")
            numbers[key] = value
    for key in ("threshold", "edit_threshold", "title_weight", "lede_weight", "unlinked_factor"):
        if key in d:
            value = d[key]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{where}: key {key!r} must be a non-negative number, got {value!r}")
            numbers[key] = float(value)
    if numbers.get("threshold", 1.0) == 0 or numbers.get("edit_threshold", 1.0) == 0:
        raise ValueError(f"{where}: key 'threshold' and 'edit_threshold' must be above 0")
    return numbers


def topics_from_toml(text: str) -> tuple[Topic, ...]:
    """Topics from TOML text: one topic at top level, or an array of `[[topic]]` tables."""
    data = tomllib.loads(text)
    if "topic" in data:
        tables = data["topic"]
        if not isinstance(tables, list):
            raise ValueError("key 'topic' must be an array of tables ([[topic]])")
        return tuple(Topic.from_dict(t) for t in tables)
    return (Topic.from_dict(data),)


def default_topics() -> tuple[Topic, ...]:
    """The topics shipped in beritawatch/topics/*.toml, in file-name order."""
    folder = importlib.resources.files("beritawatch").joinpath("topics")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    return tuple(t for f in files for t in topics_from_toml(f.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- matching

_EXCLUDED = "-"  # pseudo group of exclusion phrases


@dataclasses.dataclass(frozen=True, slots=True)
class _Entry:
    group: str
    term: str  # as configured
    rest: tuple[frozenset[str], ...]  # accepted forms of each following token
    prefix_last: bool  # the last token (first when rest is empty) matches by prefix
    kind: str = "phrase"  # "root", "phrase", "short" (case-sensitive, licensed by a full name)


class _Matcher:
    """Token index of one topic's terms, built once per Topic."""

    def __init__(self, topic: Topic) -> None:
        self.exact: dict[str, list[_Entry]] = {}
        self.prefixes: dict[int, dict[str, list[_Entry]]] = {}
        self.licences: dict[str, frozenset[str]] = {}  # short form -> full-name terms that license it
        groups = [*topic.actors, topic.subject, *([topic.links] if topic.links else [])]
        for group in groups:
            for root in group.roots:
                entry = _Entry(group.name, root, (), False, "root")
                for form in indonesian_forms(root):
                    self.exact.setdefault(form, []).append(entry)
            for phrase in group.phrases:
                self._add_phrase(group.name, phrase)
            for short in group.short_forms:
                self.exact.setdefault(short.lower(), []).append(_Entry(group.name, short, (), False, "short"))
                self.licences[short] = frozenset(
                    p for p in group.phrases if _tokens(p)[:1] == [short.lower()] and len(_tokens(p)) > 1
                )
        for phrase in topic.exclude:
            self._add_phrase(_EXCLUDED, phrase)
        for table in (self.exact, *self.prefixes.values()):
            for entries in table.values():
                # Longest phrase first; an exclusion beats a term of the same length.
                entries.sort(key=lambda e: (-len(e.rest), e.group != _EXCLUDED, e.kind == "short"))
        self.prefix_lengths = sorted(self.prefixes, reverse=True)
        self.memo: dict[str, list[_Entry]] = {}  # token -> candidates; the vocabulary is finite
        self.clear_memo()

    def clear_memo(self) -> None:
        """Forget cached token look-ups (the sentence separator stays known)."""
        self.memo.clear()
        self.memo[_SEP_TOKEN] = [_Entry(_EXCLUDED, _SEP_TOKEN, (), False)]

    def _add_phrase(self, group: str, phrase: str) -> None:
        wildcard = phrase.endswith("*")
        words = _tokens(phrase.rstrip("*"))
        last = frozenset(words[-1] + s for s in _NAME_SUFFIXES) if not wildcard else frozenset({words[-1]})
        if len(words) == 1:
            entry = _Entry(group, phrase, (), wildcard)
            if wildcard:
                self.prefixes.setdefault(len(words[0]), {}).setdefault(words[0], []).append(entry)
            else:
                for form in last:
                    self.exact.setdefault(form, []).append(entry)
            return
        rest = tuple(frozenset({w}) for w in words[1:-1]) + (last,)
        self.exact.setdefault(words[0], []).append(_Entry(group, phrase, rest, wildcard))

    def _candidates(self, token: str) -> list[_Entry]:
        found = self.exact.get(token, [])
        for length in self.prefix_lengths:
            if len(token) >= length:
                more = self.prefixes[length].get(token[:length])
                if more:
                    found = found + more
        return found

    def scan(self, sentences: Sequence[str]) -> list[list[tuple[_Entry, str]]]:
        """Matches per sentence as (entry, matched text); a phrase never spans two sentences."""
        found: list[list[tuple[_Entry, str]]] = [[] for _ in sentences]
        text = _SEP.join(sentences)
        low = text.lower()
        parts = _TOKEN_SPLIT.split(low)
        tokens = parts[1::2]
        gaps = parts[0::2]  # gaps[i] is the text before token i
        memo = self._remember(tokens)
        hot = [i for i, t in enumerate(tokens) if memo[t]]
        if len(hot) == len(sentences) - 1:
            return found  # separators only
        # Token i as written is text[ends[2i]:ends[2i+1]], unless lowering changed lengths ("İ").
        ends = list(itertools.accumulate(map(len, parts))) if len(low) == len(text) else None

        def written(first: int, last: int) -> str:
            return text[ends[2 * first] : ends[2 * last + 1]] if ends else " ".join(tokens[first : last + 1])

        skip_to = 0
        sentence = 0
        for i in hot:
            if tokens[i] == _SEP_TOKEN:
                sentence += 1
                continue
            if i < skip_to:
                continue
            for entry in memo[tokens[i]]:
                n = len(entry.rest)
                if not _phrase_at(entry, i, tokens, gaps) or not _short_form_at(entry, i, tokens, gaps, written):
                    continue
                if entry.group != _EXCLUDED:
                    found[sentence].append((entry, written(i, i + n)))
                skip_to = i + n + 1
                break
        return found

    def _remember(self, tokens: Sequence[str]) -> dict[str, list[_Entry]]:
        """The memo, holding the candidates of every one of `tokens`."""
        memo = self.memo
        unseen = set(tokens).difference(memo)
        if unseen:
            if len(memo) > 200_000:  # the memo only caches; bound it in a long-running process
                self.clear_memo()
                unseen = set(tokens).difference(memo)
            for token in unseen:
                memo[token] = self._candidates(token)
        return memo


def _phrase_at(entry: _Entry, i: int, tokens: Sequence[str], gaps: Sequence[str]) -> bool:
    """The rest of `entry`'s phrase follows token i (always true for a one-word entry)."""
    n = len(entry.rest)
    if not n:
        return True
    if i + n >= len(tokens) or not all(_joined(gaps[i + j]) for j in range(1, n + 1)):
        return False
    if not all(tokens[i + 1 + j] in entry.rest[j] for j in range(n - 1)):
        return False
    last = tokens[i + n]
    if entry.prefix_last:
        return any(last.startswith(p) for p in entry.rest[-1])
    return last in entry.rest[-1]


def _short_form_at(entry: _Entry, i: int, tokens: Sequence[str], gaps: Sequence[str],
                   written: Callable[[int, int], str]) -> bool:
    """A short form matches only as written, and not as the start of another name."""
    if entry.kind != "short":
        return True
    if written(i, i) != entry.term:
        return False  # "kim" is not "Kim"
    # "Kim Yong-hyun" is someone else
    return not (i + 1 < len(tokens) and _joined(gaps[i + 1]) and written(i + 1, i + 1)[:1].isupper())


# Sentences are scanned as one text, joined by a word no news text contains: it is a token, so
# no phrase can span it, and counting it tells which sentence a match is in.
_SEP_TOKEN = "qqbwsentencebreakqq"
_SEP = f" {_SEP_TOKEN} "
_TOKEN_SPLIT = re.compile(r"(\w+)")


def _joined(gap: str) -> bool:
    """Two tokens belong to one phrase: only a space, a hyphen, an apostrophe or a dot between."""
    return len(gap) <= 3 and all(c in " \t-'’." for c in gap)


# --------------------------------------------------------------------------- results


class Match(NamedTuple):
    """One term found in one sentence."""

    group: str  # the group's name, e.g. "north_korea"
    term: str  # the configured term, e.g. "senjata"
    text: str  # as written, e.g. "persenjataan"
    sentence: int  # index of the sentence it is in


@dataclasses.dataclass(frozen=True, slots=True)
class Evidence:
    """One co-occurrence: a subject mention with every actor within the window."""

    topic: str
    sentence: int  # index of the anchor sentence (the title is 0 when there is one)
    zone: str  # "title", "lede" or "body"
    text: str  # the anchor sentence
    window: tuple[int, int]  # first and last sentence index of the window
    matches: tuple[Match, ...]  # every match in the window
    linked: bool  # a link word (supply, sell...) is in the window
    weight: float


@dataclasses.dataclass(frozen=True, slots=True)
class TopicScore:
    """The score of one topic, with its evidence and what was seen without co-occurring."""

    topic: str
    label: str
    score: float
    threshold: float
    relevant: bool
    evidence: tuple[Evidence, ...]
    seen: tuple[Match, ...]  # every match, hits or not (for explaining a miss)
    groups: tuple[str, ...]  # actor and subject group names that must co-occur
    window: int


@dataclasses.dataclass(frozen=True, slots=True)
class Score:
    """The result over all topics: the best topic's score, and why."""

    score: float
    relevant: bool
    topic: str | None  # name of the best-scoring topic
    topics: tuple[TopicScore, ...]

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Evidence of every topic, best topic first."""
        ordered = sorted(self.topics, key=lambda t: t.topic != self.topic)
        return tuple(e for t in ordered for e in t.evidence)

    def explain(self, lang: Language = "en") -> str:
        """A human-readable account in `lang`: verdict per topic, then each hit with its terms."""
        return "\n".join(line for ts in self.topics for line in _explain_topic(ts, lang))


def _explain_topic(ts: TopicScore, lang: Language) -> list[str]:
    verdict = t("explain.relevant" if ts.relevant else "explain.not_relevant", lang)
    lines = [t("explain.verdict", lang, verdict=verdict, label=ts.label, score=_g(ts.score, lang),
               threshold=_g(ts.threshold, lang))]
    groups = " + ".join(ts.groups)
    if ts.evidence:
        lines.append(t("explain.windows", lang, n=len(ts.evidence), groups=groups, window=ts.window))
    for ev in ts.evidence:
        span = f"s{ev.window[0]}" if ev.window[0] == ev.window[1] else f"s{ev.window[0]}–s{ev.window[1]}"
        link = t("explain.linked" if ev.linked else "explain.unlinked", lang)
        lines.append(t("explain.hit", lang, zone=t(f"zone.{ev.zone}", lang), sentence=ev.sentence,
                       weight=_g(ev.weight, lang), link=link, span=span))
        lines.append(f"    “{_clip(ev.text)}”")
        lines.append(f"    {_by_group(ev.matches)}")
    if not ts.evidence:
        found = _by_group(ts.seen, with_sentence=True) if ts.seen else t("explain.no_terms", lang)
        missing = [g for g in ts.groups if not any(m.group == g for m in ts.seen)]
        lines.append(t("explain.no_window", lang, groups=groups, window=ts.window))
        lines.append(t("explain.seen", lang, found=found))
        if missing:
            lines.append(t("explain.never_seen", lang, groups=", ".join(missing)))
    return lines


def _g(value: float, lang: Language) -> str:
    """A weight or score as short as it goes ("0.25"), with the language's decimal comma ("0,25")."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "id" else text


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _by_group(matches: Iterable[Match], with_sentence: bool = False) -> str:
    groups: dict[str, list[str]] = {}
    for m in matches:
        shown = m.text if m.text.lower() == m.term.lower().rstrip("*") else f"{m.text} ({m.term})"
        if with_sentence:
            shown += f" @s{m.sentence}"
        if shown not in groups.setdefault(m.group, []):
            groups[m.group].append(shown)
    return " | ".join(f"{g}: {', '.join(v)}" for g, v in groups.items())


# --------------------------------------------------------------------------- scoring


def _match_sentences(matcher: _Matcher, sentences: Sequence[str]) -> list[list[Match]]:
    return [
        [Match(entry.group, entry.term, text, i) for entry, text in found]
        for i, found in enumerate(matcher.scan(sentences))
    ]


def _license_short_forms(matcher: _Matcher, per_sentence: list[list[Match]], context: Sequence[Match]) -> None:
    """Drop short forms ('Kim') unless a full name they begin ('Kim Jong Un') is in the text."""
    if not matcher.licences:
        return
    present = {m.term for ms in per_sentence for m in ms} | {m.term for m in context}
    licensed = {short for short, full in matcher.licences.items() if full & present}
    for ms in per_sentence:
        ms[:] = [m for m in ms if m.term not in matcher.licences or m.term in licensed]


def _window(i: int, window: int, zones: Sequence[str]) -> tuple[int, int]:
    """The first and last sentence within `window` of sentence i. The title is its own block:
    windows never reach from it into the body or back."""
    lo, hi = max(0, i - window), min(len(zones) - 1, i + window)
    while lo < i and zones[lo] != zones[i] and "title" in (zones[lo], zones[i]):
        lo += 1
    while hi > i and zones[hi] != zones[i] and "title" in (zones[hi], zones[i]):
        hi -= 1
    return lo, hi


def _evidence_at(topic: Topic, i: int, sentences: Sequence[str], zones: Sequence[str],
                 per_sentence: Sequence[Sequence[Match]], required: Sequence[str]) -> Evidence | None:
    """The evidence anchored on sentence i (a subject mention), if every required group is in its window."""
    lo, hi = _window(i, topic.window, zones)
    in_window = [m for ms in per_sentence[lo : hi + 1] for m in ms]
    groups = {m.group for m in in_window}
    if not all(g in groups for g in required):
        return None
    linked = topic.links is None or topic.links.name in groups
    weights = {"title": topic.title_weight, "lede": topic.lede_weight, "body": 1.0}
    weight = weights[zones[i]] * (1.0 if linked else topic.unlinked_factor)
    return Evidence(topic.name, i, zones[i], sentences[i], (lo, hi), tuple(in_window), linked, weight)


def _score_topic(
    topic: Topic,
    sentences: Sequence[str],
    zones: Sequence[str],
    threshold: float,
    context: Sequence[str] = (),
) -> TopicScore:
    matcher = topic.matcher
    per_sentence = _match_sentences(matcher, sentences)
    context_matches = [m for ms in _match_sentences(matcher, context) for m in ms] if context else []
    _license_short_forms(matcher, per_sentence, context_matches)
    required = tuple(g.name for g in topic.actors) + (topic.subject.name,)
    evidence: list[Evidence] = []
    for i, matches in enumerate(per_sentence):
        if any(m.group == topic.subject.name for m in matches):
            found = _evidence_at(topic, i, sentences, zones, per_sentence, required)
            if found is not None:
                evidence.append(found)
    score = round(sum(e.weight for e in evidence), 3)
    return TopicScore(
        topic=topic.name,
        label=topic.label,
        score=score,
        threshold=threshold,
        relevant=score >= threshold,
        evidence=tuple(evidence),
        seen=tuple(m for ms in per_sentence for m in ms),
        groups=required,
        window=topic.window,
    )


def _combine(results: Sequence[TopicScore]) -> Score:
    if not results:
        return Score(0.0, False, None, ())
    best = max(results, key=lambda r: (r.relevant, r.score / r.threshold))
    return Score(best.score, any(r.relevant for r in results), best.topic, tuple(results))


_MAY_END = re.compile(r"[.!?…][\"'”’»)\]]*\s")


def _sentences(paragraph: str) -> list[str]:
    """`split_sentences`, skipping it where no punctuation is followed by a space (one sentence)."""
    if _MAY_END.search(paragraph):
        return split_sentences(paragraph)
    stripped = paragraph.strip()
    return [stripped] if stripped else []


def score_article(title: str, body: Sequence[str], topics: Sequence[Topic]) -> Score:
    """Score an article: `body` is its paragraphs; title and the first sentences weigh more."""
    title_sentences = [title.strip()] if title.strip() else []
    body_sentences = [s for p in body for s in _sentences(p)]
    sentences = title_sentences + body_sentences
    results = []
    for topic in topics:
        zones = ["title"] * len(title_sentences) + [
            "lede" if j < topic.lede_sentences else "body" for j in range(len(body_sentences))
        ]
        results.append(_score_topic(topic, sentences, zones, topic.threshold))
    return _combine(results)


def score_sentences(sentences: Sequence[str], topics: Sequence[Topic], *, context: Sequence[str] = ()) -> Score:
    """Score loose sentences (an edit's added or removed ones) against `edit_threshold`.

    `context` (e.g. the article's other sentences) only serves to resolve short forms such as
    "Kim"; it never adds evidence.
    """
    split = [s for text in sentences for s in _sentences(text)]
    results = [
        _score_topic(topic, split, ["body"] * len(split), topic.edit_threshold, context)
        for topic in topics
    ]
    return _combine(results)


def _hit_key(e: Evidence) -> tuple[str, str, float]:
    return (" ".join(e.text.split()), e.zone, e.weight)


def _hits_missing(these: Sequence[Evidence], others: Sequence[Evidence]) -> list[Evidence]:
    """Hits of `these` with no equal hit (same anchor text, zone and weight) in `others`."""
    left = collections.Counter(_hit_key(e) for e in others)
    out: list[Evidence] = []
    for e in these:
        key = _hit_key(e)
        if left[key]:
            left[key] -= 1
        else:
            out.append(e)
    return out


def score_edit(before: Score, after: Score, topics: Sequence[Topic]) -> Score:
    """The edit's own topic score, from the `score_article` results of the two versions.

    Its evidence is the hits the edit made (in `after`, not in `before`) and the hits it undid
    (in `before`, not in `after`), each weighed exactly as `score_article` (and so `explain`)
    weighs it; relevance is judged against each topic's `edit_threshold`.
    """
    thresholds = {topic.name: topic.edit_threshold for topic in topics}
    old_by_topic = {ts.topic: ts for ts in before.topics}
    results = []
    for new in after.topics:
        old = old_by_topic.get(new.topic)
        old_hits = old.evidence if old else ()
        evidence = (*_hits_missing(new.evidence, old_hits), *_hits_missing(old_hits, new.evidence))
        score = round(sum(e.weight for e in evidence), 3)
        threshold = thresholds.get(new.topic, new.threshold)
        results.append(dataclasses.replace(new, score=score, threshold=threshold, relevant=score >= threshold,
                                           evidence=evidence))
    return _combine(results)
