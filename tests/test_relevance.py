"""Topic relevance: morphology, aliases, the co-occurrence window, weights, explanations, config
errors, the labelled set's precision/recall floors, and the shared seeds."""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from beritawatch.relevance import (
    Score,
    TermGroup,
    Topic,
    default_topics,
    score_article,
    score_sentences,
    topics_from_toml,
)

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "data" / "relevance_labelled.jsonl"
SEEDS = ROOT.parent / "shared" / "seeds"
TOPICS = default_topics()
TOPIC = TOPICS[0]


def groups_in(score: Score) -> dict[str, set[str]]:
    """Matched configured terms per group, over all evidence."""
    out: dict[str, set[str]] = {}
    for ev in score.evidence:
        for m in ev.matches:
            out.setdefault(m.group, set()).add(m.term)
    return out


# --------------------------------------------------------------------------- shipped topic


def test_default_topic_is_the_arms_topic() -> None:
    assert [t.name for t in TOPICS] == ["korut-rusia-senjata"]
    assert [g.name for g in TOPIC.actors] == ["north_korea", "russia"]
    assert TOPIC.subject.name == "arms" and TOPIC.links is not None
    assert TOPIC.window == 1 and TOPIC.threshold == 2.0


# --------------------------------------------------------------------------- morphology


@pytest.mark.parametrize(
    ("form", "root"),
    [
        ("senjata", "senjata"),
        ("persenjataan", "senjata"),
        ("persenjataannya", "senjata"),
        ("bersenjata", "senjata"),
        ("bersenjatakan", "senjata"),
        ("senjatanya", "senjata"),
        ("senjatalah", "senjata"),
        ("senjatakah", "senjata"),
        ("mempersenjatai", "senjata"),
        ("dipersenjatai", "senjata"),
        ("amunisinya", "amunisi"),
        ("rudal-rudal", "rudal"),
        ("rudalnya", "rudal"),
        ("peluru", "peluru"),
        ("artilerinya", "artileri"),
        ("alutsista", "alutsista"),
        ("drone", "drone"),
        ("roketnya", "roket"),
    ],
)
def test_subject_forms_match_their_root(form: str, root: str) -> None:
    score = score_sentences([f"Korea Utara mengirim {form} ke Rusia."], TOPICS)
    assert score.relevant, score.explain()
    assert root in groups_in(score)["arms"]


@pytest.mark.parametrize(
    ("form", "term"),
    [
        ("memasok", "pasok"),
        ("pasokan", "pasok"),
        ("pemasok", "pasok"),
        ("menyuplai", "suplai"),
        ("mengirimkan", "kirim"),
        ("pengiriman", "kirim"),
        ("dikirim", "kirim"),
        ("menjual", "jual"),
        ("penjualan", "jual"),
        ("membeli", "beli"),
        ("pembelian", "beli"),
        ("memborong", "borong"),
        ("memperoleh", "peroleh"),
        ("menyediakan", "sedia"),
        ("ketersediaan", "sedia"),
        ("imbalan", "imbal"),
        ("pertukaran", "tukar"),
        ("digunakan", "digunakan"),
        ("buatan", "buatan"),
    ],
)
def test_link_forms_match(form: str, term: str) -> None:
    score = score_sentences([f"Rusia dan Korut: {form} rudal."], TOPICS)
    ev = score.evidence
    assert ev and ev[0].linked, score.explain()
    assert term in groups_in(score)["dealing"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Korut dan Rusia membahas gencatan senjata di Ukraina.",
        "Kim Jong Un memuji angkatan bersenjata Rusia.",
        "Korea Utara menyebut konflik bersenjata Rusia dan Ukraina bisa dicegah.",
        "Harga minyak meroket, Rusia dan Korut untung.",
        "Putin welcomed the North Korean delegation with open arms.",
        "Berita dari Pyongyang dan Moskow hari ini.",
    ],
)
def test_lookalikes_are_not_the_subject(sentence: str) -> None:
    score = score_sentences([sentence], TOPICS)
    assert not score.evidence, score.explain()
    assert not any(m.group == "arms" for t in score.topics for m in t.seen)


@pytest.mark.parametrize(
    ("alias", "group"),
    [
        ("Korut", "north_korea"),
        ("Korea Utara", "north_korea"),
        ("Korea Utaranya", "north_korea"),
        ("DPRK", "north_korea"),
        ("Pyongyang", "north_korea"),
        ("Kim Jong Un", "north_korea"),
        ("Kim Jong-un", "north_korea"),
        ("KCNA", "north_korea"),
        ("Republik Rakyat Demokratik Korea", "north_korea"),
        ("North Korea's", "north_korea"),
        ("Rusia", "russia"),
        ("Moskow", "russia"),
        ("Kremlin", "russia"),
        ("Putin", "russia"),
        ("Shoigu", "russia"),
        ("Belousov", "russia"),
        ("Russia's", "russia"),
    ],
)
def test_actor_aliases(alias: str, group: str) -> None:
    other = "Rusia" if group == "north_korea" else "Korut"
    score = score_sentences([f"{alias} menjual senjata, kata pejabat {other}."], TOPICS)
    assert score.relevant, score.explain()
    assert group in groups_in(score)


def test_english_sentence() -> None:
    score = score_sentences(["North Korea shipped artillery shells to Russia."], TOPICS)
    assert score.relevant
    found = groups_in(score)
    assert found["arms"] == {"artillery", "shell"} and found["dealing"] == {"ship*"}


def test_south_korea_is_not_north_korea() -> None:
    score = score_sentences(["Korea Selatan menjual senjata ke Rusia."], TOPICS)
    assert not score.relevant and not score.evidence


def test_short_form_kim_needs_a_full_name() -> None:
    alone = score_sentences(["Kim membeli rudal dari Rusia."], TOPICS)
    assert not alone.evidence
    licensed = score_sentences(
        ["Kim membeli rudal dari Rusia."], TOPICS, context=["Kim Jong Un tiba di Vladivostok."]
    )
    assert licensed.relevant and "Kim" in groups_in(licensed)["north_korea"]
    article = score_article("Kim Jong Un ke Rusia", ["Di sana Kim membeli rudal dari Rusia."], TOPICS)
    assert any(m.text == "Kim" for ev in article.evidence for m in ev.matches)


def test_short_form_is_case_sensitive_and_not_another_kim() -> None:
    body = [
        "Kim Jong Un berpidato di Pyongyang.",
        "Cuaca cerah.",
        "Tidak ada insiden.",
        "Menteri Korsel Kim Yong-hyun mengkritik pembelian rudal oleh Rusia.",
        "Pejabat itu, kim, menjual rudal ke Rusia.",
    ]
    score = score_article("", body, TOPICS)
    assert not score.evidence, score.explain()
    assert [m.sentence for m in score.topics[0].seen if m.group == "north_korea"] == [0, 0]


# --------------------------------------------------------------------------- window and weights


def test_actors_and_subject_in_adjacent_sentences_meet() -> None:
    score = score_article("", ["Kim Jong Un bertemu Putin di Vostochny. Mereka membahas pasokan amunisi."], TOPICS)
    assert score.relevant
    ev = score.evidence[0]
    assert ev.sentence == 1 and ev.window == (0, 1) and ev.zone == "lede"


def test_too_far_apart_is_no_hit() -> None:
    body = [
        "Kim Jong Un bertemu Putin di Vostochny.",
        "Cuaca cerah sepanjang hari.",
        "Delegasi makan siang bersama.",
        "Pejabat AS menyebut pasokan amunisi sebagai kekhawatiran utama.",
    ]
    score = score_article("", body, TOPICS)
    assert not score.evidence
    wide = dataclasses.replace(TOPIC, window=3)
    assert score_article("", body, [wide]).evidence


def test_title_does_not_window_into_body() -> None:
    score = score_article("Kim Jong Un dan Putin Bertemu", ["Keduanya membahas pembelian amunisi."], TOPICS)
    assert not score.evidence


def test_title_weighs_more_than_lede_more_than_body() -> None:
    hit = "Korut kirim peluru artileri ke Rusia"
    filler = [f"Kalimat pengisi nomor {i}." for i in range(5)]
    title = score_article(hit, filler, TOPICS)
    lede = score_article("Judul", [hit + ".", *filler], TOPICS)
    body = score_article("Judul", [*filler, hit + "."], TOPICS)
    assert title.score == TOPIC.title_weight
    assert lede.score == TOPIC.lede_weight
    assert body.score == 1.0
    assert title.relevant and lede.relevant and not body.relevant
    assert score_article("Judul", [*filler, hit + ".", "Lagi: " + hit + "."], TOPICS).relevant


def test_hit_without_link_word_counts_less() -> None:
    score = score_article("Korut Uji Rudal, Rusia Diam", [], TOPICS)
    ev = score.evidence[0]
    assert not ev.linked and ev.weight == TOPIC.title_weight * TOPIC.unlinked_factor
    assert not score.relevant


def test_edit_sentences_use_the_edit_threshold() -> None:
    added = ["Korea Utara juga mengirim 50 rudal balistik ke Rusia."]
    assert score_sentences(added, TOPICS).relevant
    assert not score_sentences(["Korea Utara dan Rusia menandatangani perjanjian wisata."], TOPICS).relevant
    assert not score_sentences([], TOPICS).relevant


def test_no_topics_scores_nothing() -> None:
    score = score_article("Korut kirim senjata ke Rusia", [], [])
    assert score == Score(0.0, False, None, ())


# --------------------------------------------------------------------------- explanation


def test_explanation_of_a_hit_names_terms_sentences_and_numbers() -> None:
    score = score_article(
        "AS Tuding Korut Kirim Persenjataan ke Rusia",
        ["Pyongyang membantah. Moskow disebut membeli amunisi dari Korea Utara."],
        TOPICS,
    )
    text = score.explain()
    assert text.startswith("RELEVANT: North Korea–Russia arms dealings")
    assert "threshold 2" in text
    assert "[title s0] +3 (linked" in text
    assert "Persenjataan (senjata)" in text and "Kirim" in text
    assert "“Moskow disebut membeli amunisi dari Korea Utara.”" in text
    assert "membeli (beli)" in text and "window s1–s2" in text


def test_explanation_of_a_miss_says_what_was_missing() -> None:
    score = score_article("Rusia Gempur Kharkiv dengan Rudal", ["Serangan menewaskan delapan orang."], TOPICS)
    text = score.explain()
    assert text.startswith("not relevant:")
    assert "no window holds north_korea + russia + arms" in text
    assert "russia: Rusia @s0" in text and "arms: Rudal @s0" in text
    assert "never seen: north_korea" in text


# --------------------------------------------------------------------------- config errors


def minimal() -> dict[str, Any]:
    return {
        "name": "t",
        "actors": [{"name": "a", "phrases": ["Alpha"]}, {"name": "b", "phrases": ["Beta"]}],
        "subject": {"name": "s", "roots": ["senjata"]},
    }


def test_from_dict_minimal_and_defaults() -> None:
    topic = Topic.from_dict(minimal())
    assert topic.label == "t" and topic.links is None and topic.window == 1
    assert score_sentences(["Alpha menjual persenjataan kepada Beta."], [topic]).relevant


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(windw=2), "unknown key 'windw'"),
        (lambda d: d.pop("subject"), "missing key 'subject'"),
        (lambda d: d.pop("name"), "missing key 'name'"),
        (lambda d: d.update(window=-1), "key 'window' must be a non-negative integer"),
        (lambda d: d.update(window=True), "key 'window' must be a non-negative integer"),
        (lambda d: d.update(threshold="high"), "key 'threshold' must be a non-negative number"),
        (lambda d: d.update(threshold=0), "'threshold' and 'edit_threshold' must be above 0"),
        (lambda d: d.update(actors=[]), "key 'actors' must be a non-empty list"),
        (lambda d: d.update(exclude="gencatan senjata"), "key 'exclude' must be a list"),
        (lambda d: d.update(exclude=["gencatan senjata", "*"]), "key 'exclude' holds '*', which has no word"),
        (lambda d: d["actors"][1].update(phrases="Beta"), "actors[1] 'b': key 'phrases' must be a list"),
        (lambda d: d["actors"][0].update(nmae="x"), "actors[0]: unknown key 'nmae'"),
        (lambda d: d["actors"][0].update(name="Bad Name"), "key 'name' must be a lower-case identifier"),
        (lambda d: d["actors"][0].update(phrases=[]), "needs at least one entry in 'roots' or 'phrases'"),
        (lambda d: d["subject"].update(roots=["peluru artileri"]), "a root is one word"),
        (lambda d: d["subject"].update(phrases=["a*b"]), "'*' may only end a phrase"),
        (lambda d: d["actors"][0].update(short_forms=["Al"]), "key 'short_forms' holds 'Al'"),
        (lambda d: d["actors"][1].update(name="a"), "group names must be distinct"),
        (lambda d: d.update(subject=["senjata"]), "subject: expected a table"),
    ],
)
def test_from_dict_errors_name_the_bad_key(change: Any, message: str) -> None:
    d = minimal()
    change(d)
    with pytest.raises(ValueError, match=re.escape(message)):
        Topic.from_dict(d)


def test_a_topics_term_index_is_built_when_it_first_scores() -> None:
    topic = Topic.from_dict(minimal())
    assert topic._matcher is None  # a warm pass of unchanged articles scores nothing: it never pays for it
    assert score_sentences(["Alpha menjual persenjataan kepada Beta."], [topic]).relevant
    assert topic._matcher is not None and topic.matcher is topic._matcher


def test_term_group_from_dict_standalone() -> None:
    group = TermGroup.from_dict({"name": "x", "phrases": ["Kim Jong Un"], "short_forms": ["Kim"]})
    assert group.label == "x" and group.short_forms == ("Kim",)


def test_topics_from_toml_single_and_array() -> None:
    single = """
name = "t"
[[actors]]
name = "a"
phrases = ["Alpha"]
[subject]
name = "s"
roots = ["rudal"]
"""
    assert [t.name for t in topics_from_toml(single)] == ["t"]
    array = single.replace('name = "t"\n[[actors]]', '[[topic]]\nname = "t"\n[[topic.actors]]').replace(
        "[subject]", "[topic.subject]"
    )
    assert [t.name for t in topics_from_toml(array)] == ["t"]
    with pytest.raises(ValueError, match="array of tables"):
        topics_from_toml('[topic]\nname = "t"')


# --------------------------------------------------------------------------- labelled set


def labelled() -> list[dict[str, Any]]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labelled_set_shape() -> None:
    items = labelled()
    assert len(items) >= 60
    assert len({i["id"] for i in items}) == len(items)
    kinds = {i["kind"] for i in items}
    for kind in (
        "hard:missile-test", "hard:ru-ua-war", "hard:iran-drones", "hard:us-arms-ukraine",
        "hard:sk-arms-exports", "hard:kim-putin-other", "hard:nk-troops",
    ):  # fmt: skip
        assert kind in kinds
    for item in items:
        assert isinstance(item["label"], bool) and item["title"] and 1 <= len(item["body"]) <= 4
        assert (item["kind"] == "positive") == item["label"]


def test_precision_and_recall_floors() -> None:
    tp = fp = fn = 0
    for item in labelled():
        relevant = score_article(item["title"], item["body"], TOPICS).relevant
        tp += relevant and item["label"]
        fp += relevant and not item["label"]
        fn += not relevant and item["label"]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.95, f"precision {precision:.3f}"
    assert recall >= 0.90, f"recall {recall:.3f}"


# --------------------------------------------------------------------------- shared seeds

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")


def seed_paragraphs(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@needs_seeds
@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else [])
def test_seed_scores_relevant(name: str) -> None:
    paragraphs = seed_paragraphs(SEEDS / name)
    # As a reader saw it, boilerplate included, with and without a title.
    assert score_article("", paragraphs, TOPICS).relevant
    assert score_article(paragraphs[0], paragraphs[1:], TOPICS).relevant


def recommended_titles() -> list[str]:
    tempo = next(SEEDS.glob("tempo-*.txt")).read_text(encoding="utf-8")
    listing = tempo.split("Rekomendasi Artikel", 1)[1]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", listing) if b.strip()]
    # Each story is listed as: title, age ("9 jam lalu"), caption, title again, summary.
    return [blocks[i - 1] for i, b in enumerate(blocks) if re.fullmatch(r"\d+ (?:menit|jam|hari) lalu", b)]


@needs_seeds
def test_recommended_stories_in_tempo_seed_are_not_relevant() -> None:
    titles = recommended_titles()
    assert len(titles) >= 8
    for title in titles:
        score = score_article(title, [], TOPICS)
        assert not score.relevant, score.explain()


@needs_seeds
def test_recommended_stories_with_their_summaries_are_not_relevant() -> None:
    tempo = next(SEEDS.glob("tempo-*.txt")).read_text(encoding="utf-8")
    listing = tempo.split("Rekomendasi Artikel", 1)[1]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", listing) if b.strip()]
    for i, block in enumerate(blocks):
        if re.fullmatch(r"\d+ (?:menit|jam|hari) lalu", block) and i + 2 < len(blocks):
            story = blocks[i + 1].splitlines()
            score = score_article(blocks[i - 1], [*story, blocks[i + 2]], TOPICS)
            assert not score.relevant, score.explain()
