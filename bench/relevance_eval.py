"""Precision, recall and speed of beritawatch.relevance on the labelled set.

    .venv/bin/python bench/relevance_eval.py                  # the shipped topic, all items
    .venv/bin/python bench/relevance_eval.py --split heldout  # only items written after the design froze
    .venv/bin/python bench/relevance_eval.py --stemmer only   # roots matched by PySastrawi stems instead
    .venv/bin/python bench/relevance_eval.py --window 0 --check

--stemmer needs PySastrawi (`pip install pysastrawi`), which beritawatch does not depend on.
--check exits 1 when precision < 0.95 or recall < 0.90.
"""
from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from beritawatch import relevance  # noqa: E402
from beritawatch.relevance import Topic, default_topics, score_article  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "relevance_labelled.jsonl"
PRECISION_TARGET, RECALL_TARGET = 0.95, 0.90


class _StemMatcher(relevance._Matcher):
    """Roots matched through a stemmer; with `keep_forms` the affix expansion stays too."""

    def __init__(self, topic: Topic, stem: Callable[[str], str], keep_forms: bool) -> None:
        super().__init__(topic)
        self.stem = stem
        self.by_stem: dict[str, list[Any]] = {}
        for table in self.exact.values():
            for entry in table:
                if entry.kind == "root":
                    bucket = self.by_stem.setdefault(entry.term.lower(), [])
                    if entry not in bucket:
                        bucket.append(entry)
        if not keep_forms:
            self.exact = {
                k: kept for k, v in self.exact.items() if (kept := [e for e in v if e.kind != "root"])
            }

    def _candidates(self, token: str) -> list[Any]:
        found = super()._candidates(token)
        more = self.by_stem.get(self.stem(token))
        return found + more if more else found


def sastrawi_stem() -> Callable[[str], str]:
    try:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise SystemExit("--stemmer needs PySastrawi: .venv/bin/pip install pysastrawi") from None

    stemmer = StemmerFactory().create_stemmer()
    return functools.lru_cache(maxsize=None)(stemmer.stem)


def load(path: Path, split: str) -> list[dict[str, Any]]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [i for i in items if split == "all" or i.get("split", "dev") == split]


def configure(args: argparse.Namespace) -> tuple[tuple[Topic, ...], Callable[[], None]]:
    """The shipped topics with the command line's overrides, and a function emptying their caches."""
    changes = {
        k: v
        for k, v in (
            ("window", args.window),
            ("threshold", args.threshold),
            ("unlinked_factor", args.unlinked_factor),
        )
        if v is not None
    }
    topics = tuple(dataclasses.replace(t, **changes) for t in default_topics())
    stem = sastrawi_stem() if args.stemmer != "none" else None
    if stem:
        for topic in topics:
            object.__setattr__(topic, "_matcher", _StemMatcher(topic, stem, args.stemmer == "union"))

    def cold() -> None:
        for topic in topics:
            topic.matcher.clear_memo()
        if stem:
            stem.cache_clear()  # type: ignore[attr-defined]

    return topics, cold


def evaluate(items: Sequence[dict[str, Any]], topics: Sequence[Topic], verbose: bool) -> dict[str, float]:
    counts: Counter[str] = Counter()
    by_kind: Counter[tuple[str, bool]] = Counter()
    wrong: list[tuple[dict[str, Any], Any]] = []
    for item in items:
        score = score_article(item["title"], item["body"], topics)
        ok = score.relevant == item["label"]
        counts[("t" if ok else "f") + ("p" if score.relevant else "n")] += 1
        by_kind[(item["kind"], ok)] += 1
        if not ok:
            wrong.append((item, score))
    tp, fp, fn, tn = counts["tp"], counts["fp"], counts["fn"], counts["tn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"items: {len(items)} ({tp + fn} relevant, {fp + tn} not)")
    print(f"confusion: TP {tp}  FP {fp}  FN {fn}  TN {tn}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    kinds = sorted({k for k, _ in by_kind})
    print("per kind (right/total): " + ", ".join(
        f"{k} {by_kind[(k, True)]}/{by_kind[(k, True)] + by_kind[(k, False)]}" for k in kinds
    ))
    for item, score in wrong:
        label = "FN (missed)" if item["label"] else "FP (false alarm)"
        print(f"\n{label} {item['id']} [{item['kind']}] score {score.score:g}: {item['title']}")
        if verbose:
            print("  " + score.explain().replace("\n", "\n  "))
    return {"precision": precision, "recall": recall, "f1": f1}


def speed(
    articles: Sequence[tuple[str, list[str]]],
    topics: Sequence[Topic],
    cold: Callable[[], None] | None = None,
) -> float:
    """Articles per CPU second (process time: the machine is shared), best of 5 passes."""
    best = 0.0
    for _ in range(5):
        if cold:
            cold()
        start = time.process_time()
        for title, body in articles:
            score_article(title, body, topics)
        best = max(best, len(articles) / max(time.process_time() - start, 1e-9))
    return best


def long_articles(items: Sequence[dict[str, Any]], per: int = 12) -> list[tuple[str, list[str]]]:
    """Articles of news length: `per` labelled texts joined, each title kept as a paragraph."""
    out = []
    for k in range(0, len(items) - per + 1, per):
        group = items[k : k + per]
        out.append((group[0]["title"], [p for i in group for p in (i["title"], *i["body"])]))
    return out


# Inflected words and the term each should match (None: must match no term of the subject or links).
MORPHOLOGY: tuple[tuple[str, str | None], ...] = (
    ("persenjataan", "senjata"), ("bersenjata", "senjata"), ("senjatanya", "senjata"),
    ("mempersenjatai", "senjata"), ("dipersenjatai", "senjata"), ("persenjataannya", "senjata"),
    ("bersenjatakan", "senjata"), ("senjatalah", "senjata"), ("senjatakah", "senjata"),
    ("amunisinya", "amunisi"), ("rudalnya", "rudal"), ("peluru", "peluru"), ("artilerinya", "artileri"),
    ("memasok", "pasok"), ("pasokan", "pasok"), ("pemasok", "pasok"), ("dipasok", "pasok"),
    ("pasokannya", "pasok"), ("menyuplai", "suplai"), ("penyuplai", "suplai"), ("suplainya", "suplai"),
    ("mengirim", "kirim"), ("mengirimkan", "kirim"), ("pengiriman", "kirim"), ("dikirimkan", "kirim"),
    ("kiriman", "kirim"), ("terkirim", "kirim"), ("menjual", "jual"), ("penjualan", "jual"),
    ("dijual", "jual"), ("membeli", "beli"), ("pembelian", "beli"), ("dibelinya", "beli"),
    ("memborong", "borong"), ("perdagangan", "dagang"), ("memperdagangkan", "dagang"),
    ("menyediakan", "sedia"), ("penyediaan", "sedia"), ("memberikan", "beri"), ("diberikan", "beri"),
    ("memperoleh", "peroleh"), ("diperoleh", "peroleh"), ("mencari", "cari"), ("permintaan", "minta"),
    ("membutuhkan", "butuh"), ("kebutuhan", "butuh"), ("imbalan", "imbal"), ("pertukaran", "tukar"),
    ("ditukar", "tukar"), ("membayar", "bayar"), ("bantuan", "bantu"), ("membantu", "bantu"),
    ("mengangkut", "angkut"), ("dimuat", "muat"), ("dipakai", "pakai"), ("memakai", "pakai"),
    ("digunakan", "digunakan"), ("menggunakannya", "menggunakan"), ("perundingan", "runding"),
    ("kesepakatan", "sepakat"),
    ("membahas", "bahas"), ("menawarkan", "tawar"), ("berasal", "berasal"), ("ketersediaan", "sedia"),
    ("memperjualbelikan", "jual"),
    # words that share letters with a root but are not its forms
    ("berita", None), ("pemerintah", None), ("perbatasan", None), ("pelabuhan", None),
    ("kebijakan", None), ("pertahanan", None), ("pesawat", None), ("penasihat", None),
    ("kerja", None), ("kapasitas", None), ("peringatan", None), ("sejarah", None),
    ("pembicaraan", None), ("memperingatkan", None), ("pariwisata", None), ("perbankan", None),
    ("rusak", None), ("senja", None), ("seniman", None), ("amunisiasi", None),
)


def morphology(topics: Sequence[Topic], cold: Callable[[], None]) -> None:
    """Term-level accuracy of the word matcher on MORPHOLOGY, and its cost per word."""
    matcher = topics[0].matcher
    checked = {topics[0].subject.name, *([topics[0].links.name] if topics[0].links else [])}
    right = wrong = missed = 0
    misses: list[str] = []
    for word, root in MORPHOLOGY:
        roots = {e.term for e in matcher._candidates(word) if e.group in checked and not e.rest}
        if root is None:
            if roots:
                wrong += 1
                misses.append(f"{word}->{'/'.join(sorted(roots))}")
            else:
                right += 1
        elif root in roots:
            right += 1
        else:
            missed += 1
            misses.append(f"{word}!{root}")
    def run() -> None:
        cold()
        for w, _ in MORPHOLOGY:
            matcher._candidates(w)

    per_word = _time(run) / len(MORPHOLOGY)
    print(f"morphology: {right}/{len(MORPHOLOGY)} right, {missed} missed, {wrong} wrong root; "
          f"{per_word * 1e6:.2f} us/word")
    if misses:
        print("  " + ", ".join(misses))


def _time(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=LABELLED)
    parser.add_argument("--split", choices=("all", "dev", "heldout"), default="all")
    parser.add_argument("--window", type=int)
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--unlinked-factor", type=float)
    parser.add_argument("--stemmer", choices=("none", "only", "union"), default="none")
    parser.add_argument("--quiet", action="store_true", help="list misclassified items without explanations")
    parser.add_argument("--check", action="store_true", help="exit 1 below the precision/recall targets")
    args = parser.parse_args(argv)

    topics, cold = configure(args)
    items = load(args.data, args.split)
    t = topics[0]
    print(
        f"topic {t.name}: window ±{t.window}, threshold {t.threshold:g}, unlinked x{t.unlinked_factor:g}, "
        f"stemmer {args.stemmer}, split {args.split}"
    )
    result = evaluate(items, topics, verbose=not args.quiet)
    print()
    morphology(topics, cold)
    for label, articles in (
        ("labelled texts", [(i["title"], i["body"]) for i in items]),
        ("news-length articles", long_articles(items)),
    ):
        words = sum(len((t + " " + " ".join(b)).split()) for t, b in articles) / max(len(articles), 1)
        print(
            f"speed on {label} ({words:.0f} words): {speed(articles, topics):,.0f} articles/s; "
            f"{speed(articles, topics, cold):,.0f}/s with word caches emptied before each pass"
        )
    if args.check and (result["precision"] < PRECISION_TARGET or result["recall"] < RECALL_TARGET):
        print(f"below target: precision >= {PRECISION_TARGET}, recall >= {RECALL_TARGET}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
