"""An article as the story matcher sees it: sentences without datelines, MinHash signatures of
word shingles and content words, and the facts it states (numbers with their unit, quotes,
names). `index_keys` are what the warehouse index stores to find candidates later.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence

from beritawatch.changes import normalize_text
from beritawatch.sentences import extract_numbers, extract_quotes, split_sentences
from beritawatch.stories import minhash

SHINGLE_WORDS = 3
QUOTE_KEY_WORDS = 8  # a quote is keyed by its first words: outlets trim quotes at the end
# "TRIBUNNEWS.COM -", "REPUBLIKA.CO.ID, WASHINGTON --", "TEMPO.CO, Jakarta -", "Washington DC -":
# the outlet's dateline differs between copies of one wire story and says nothing about it.
_DATELINE = re.compile(
    r"^(?:[A-Z0-9.]*[A-Z]{2,}[A-Z0-9.]*(?:\.COM|\.CO\.ID|\.CO|\.ID)?(?:\s*,\s*[A-Za-z .]{2,30})?"
    r"|[A-Z][a-z]+(?:\s[A-Z][A-Za-z]*){0,2})\s*[-–—]{1,2}\s+")
_WORD = re.compile(r"\w+")
_NAME = re.compile(r"\b[A-Z][\w'-]+(?:\s+(?:[A-Z][\w'-]+|bin|van|de|al|Jong))+")
_DIGIT = re.compile(r"\d")
_STOPWORD_TEXT = """
yang dan di ke dari itu ini untuk dengan pada dalam akan tidak juga adalah oleh sebagai telah
kata bahwa atau para ada karena lebih tersebut saat setelah kepada bisa hingga mereka kami ia
dia sudah serta namun menurut seperti masih pun jadi dapat agar yaitu lagi baru sejak antara
belum hal kini secara tak bagi the nya se sebuah seorang sang tetapi tapi bila jika maka pula
sementara sedang harus ujar ungkap katanya ujarnya kemudian lalu usai atas soal terkait begitu
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def strip_dateline(paragraph: str) -> str:
    """The paragraph without a leading dateline ("TRIBUNNEWS.COM -", "Jakarta -")."""
    return _DATELINE.sub("", paragraph, count=1)


def sentences_of(body: Sequence[str]) -> list[str]:
    """Normalized sentences of a body, the first paragraph's dateline dropped."""
    out: list[str] = []
    for i, paragraph in enumerate(body):
        text = normalize_text(paragraph)
        if i == 0:
            text = strip_dateline(text)
        out.extend(s for s in split_sentences(text) if s.strip())
    return out


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def number_facts(sentence: str) -> list[str]:
    """Numbers with digits and the word after them: "300 kontainer", "152 milimeter"."""
    facts: list[str] = []
    position = 0
    for number in extract_numbers(sentence):
        at = sentence.find(number, position)
        if at < 0 or not _DIGIT.search(number):
            continue
        position = at + len(number)
        after = _WORD.findall(sentence[position:position + 40].lower())
        unit = next((w for w in after[:1] if w.isalpha() and w not in STOPWORDS), "")
        facts.append(f"{number.lower()} {unit}".strip())
    return facts


def quote_key(quote: str) -> str:
    return " ".join(words_of(quote)[:QUOTE_KEY_WORDS])


def names_of(sentence: str) -> list[str]:
    """Runs of two or more capitalized words: "Adrienne Watson", "Kim Jong Un", "Gedung Putih"."""
    names: list[str] = []
    for m in _NAME.finditer(sentence):
        words = m.group().split()
        if m.start() == 0:  # the sentence's first word is capitalized anyway
            words = words[1:]
        if len(words) >= 2:
            names.append(" ".join(words).lower())
    return names


@dataclasses.dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the matcher keeps of an article (stored in the warehouse, so comparisons never need
    the text again)."""

    url: str
    portal: str
    at: dt.datetime  # published, else first seen
    title: str
    shingles: tuple[int, ...]  # MinHash of 3-word shingles: copy and near-copy
    words: tuple[int, ...]  # MinHash of content words: same facts in other words
    numbers: frozenset[str]
    quotes: frozenset[str]
    names: frozenset[str]
    title_words: frozenset[str]
    size: int = 0  # distinct content words: how much evidence the word signature can carry

    def to_json(self) -> dict[str, object]:
        return {"numbers": sorted(self.numbers), "quotes": sorted(self.quotes),
                "names": sorted(self.names), "title_words": sorted(self.title_words), "size": self.size}


def fingerprint(url: str, portal: str, at: dt.datetime, title: str, body: Sequence[str]) -> Fingerprint:
    """The fingerprint of one article version."""
    sentences = sentences_of(body)
    words = [w for s in sentences for w in words_of(s)]
    content = _content_words(words)
    return Fingerprint(
        url=url, portal=portal, at=at, title=title,
        shingles=minhash.signature(_shingles(words)), words=minhash.signature(content),
        numbers=_facts_of(sentences, number_facts), quotes=_quote_keys(body), names=_facts_of(sentences, names_of),
        title_words=frozenset(w for w in words_of(normalize_text(title)) if w not in STOPWORDS),
        size=len(content))


def _shingles(words: Sequence[str]) -> set[str]:
    """Every run of SHINGLE_WORDS words."""
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(len(words) - SHINGLE_WORDS + 1, 0))}


def _content_words(words: Sequence[str]) -> set[str]:
    return {w for w in words if w not in STOPWORDS and len(w) > 2}


def _quote_keys(body: Sequence[str]) -> frozenset[str]:
    keys = {quote_key(q) for p in body for q in extract_quotes(normalize_text(p))}
    return frozenset(k for k in keys if k)


def _facts_of(sentences: Sequence[str], facts: Callable[[str], list[str]]) -> frozenset[str]:
    return frozenset(f for s in sentences for f in facts(s))


def index_keys(fp: Fingerprint) -> list[tuple[int, str]]:
    """(key, kind) pairs for the candidate index: LSH bands of both signatures, quotes, and
    numbers with a unit. Names are compared but not indexed: "Korea Utara" is in every
    article of the topic and would make every one a candidate."""
    keys = [(k, "band") for k in minhash.band_keys(fp.shingles, "s")]
    keys += [(k, "band") for k in minhash.band_keys(fp.words, "w")]
    keys += [(minhash.key64("q:" + q), "quote") for q in sorted(fp.quotes)]
    keys += [(minhash.key64("n:" + n), "number") for n in sorted(fp.numbers) if " " in n]
    return keys
