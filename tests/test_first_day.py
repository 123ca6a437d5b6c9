"""The first day: one real pass of the SHIPPED beritawatch.toml, routed to the replica serving every
shipped source in its real shape (media and twins mixed in), then a second pass once everything is due
again. Each relevant story is found, tracked and alerted once; no media page is fetched; the second
pass changes nothing."""
from __future__ import annotations

import dataclasses
import os
import pathlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pytest

from beritawatch.config import load_config
from beritawatch.testing.replica import firstday
from beritawatch.testing.replica.receivers import JsonReceiver, Received
from beritawatch.testing.replica.server import Replica, RequestRecord
from beritawatch.urls import canonical_url
from flows.monitor import monitor_pass

pytestmark = pytest.mark.prefect
SHIPPED = pathlib.Path(__file__).resolve().parents[1] / "beritawatch.toml"
TABLES = ("articles", "versions", "alerts", "deliveries", "events", "edit_records")


@dataclasses.dataclass
class Day:
    scenario: firstday.FirstDay
    db: pathlib.Path
    first: dict[str, Any]
    second: dict[str, Any]
    requests: list[RequestRecord]
    messages_first: list[Received]
    messages_second: list[Received]
    counts_first: dict[str, int]
    counts_second: dict[str, int]

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def addresses(self, url: str) -> list[str]:
        """The canonical forms of a story's address and of its twins."""
        return sorted({canonical_url(u) for u in (url, *self.scenario.twins.get(url, ()))})


def _counts(db: pathlib.Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


@pytest.fixture(scope="module")
def day(prefect_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    db = tmp_path_factory.mktemp("first-day") / "warehouse.duckdb"
    with Replica() as replica, JsonReceiver() as chat:
        scenario = firstday.first_day(replica)
        hosts = {*replica.route_map(), "dunia.tempo.co", "republika.co.id", "www.republika.co.id",
                 "m.tribunnews.com", *(urlsplit(u).hostname or "" for u in scenario.media)}
        env = {"BERITAWATCH_ROUTE": ",".join(f"{host}={replica.origin}" for host in sorted(hosts)),
               "BERITAWATCH_NOTIFY": chat.url()}
        saved = {name: os.environ.get(name) for name in env}
        os.environ.update(env)
        try:
            first = monitor_pass(config_path=str(SHIPPED), db_path=str(db))
            counts_first, messages_first = _counts(db), list(chat.accepted)
            # Time passes: every source and article is due again, and the sources answer in full
            # (no 304), so the second pass really reads every listing again.
            with duckdb.connect(str(db)) as con:
                con.execute("UPDATE sources SET next_poll = now() - INTERVAL 1 MINUTE")
                con.execute("UPDATE articles SET next_check = now() - INTERVAL 1 MINUTE WHERE active")
            for source in load_config(SHIPPED, env={}).discover:
                replica.behave(source.url, validators=False)
            second = monitor_pass(config_path=str(SHIPPED), db_path=str(db))
            yield Day(scenario, db, first, second, list(replica.requests), messages_first,
                      list(chat.accepted)[len(messages_first):], counts_first, _counts(db))
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _new_alerts(day: Day, url: str) -> int:
    addresses = day.addresses(url)
    [(count,)] = day.query("SELECT count(*) FROM alerts WHERE kind = 'new' AND article_url IN "
                           "(SELECT unnest(?::VARCHAR[]))", [addresses])
    return int(count)


def _tracked(day: Day, url: str) -> int:
    [(count,)] = day.query("SELECT count(*) FROM articles WHERE url IN (SELECT unnest(?::VARCHAR[]))",
                           [day.addresses(url)])
    return int(count)


SIMPLE_RELEVANT = [u for u in (firstday.DETIK_NEW, firstday.TRIBUN_NEW, firstday.KALTIM_NEW, firstday.REPUBLIKA_NEW,
                               firstday.TEMPO_NEW)]


def test_the_pass_polls_every_shipped_source(day: Day) -> None:
    shipped = {source.url for source in load_config(SHIPPED, env={}).discover}
    polls = day.query("SELECT source_url, outcome, error FROM source_polls ORDER BY polled_at, source_url")
    first = [row for row in polls[: len(shipped)]]
    assert {url for url, _, _ in first} == shipped
    assert all(outcome == "ok" and error is None for _, outcome, error in first), first
    assert day.first["discovery"]["polled"] == len(shipped) and day.first["discovery"]["failed"] == 0


@pytest.mark.parametrize("url", SIMPLE_RELEVANT)
def test_each_new_relevant_story_is_tracked_once_and_alerted_once(day: Day, url: str) -> None:
    assert _tracked(day, url) == 1
    assert _new_alerts(day, url) == 1
    [(source, relevant, versions)] = day.query(
        "SELECT source, relevant, (SELECT count(*) FROM versions v WHERE v.article_url = a.url) FROM articles a "
        "WHERE url IN (SELECT unnest(?::VARCHAR[]))", [day.addresses(url)])
    assert (source, relevant, versions) == ("discover", True, 1)


def test_irrelevant_stories_are_tracked_but_never_alerted(day: Day) -> None:
    for url in (firstday.DETIK_OTHER, firstday.TRIBUN_OTHER, firstday.TEMPO_OTHER):
        assert _tracked(day, url) == 1 and _new_alerts(day, url) == 0
    [(relevant,)] = day.query("SELECT relevant FROM articles WHERE url = ?", [firstday.TEMPO_OTHER])
    assert relevant is False  # a Tempo id shorter than 5 digits (...--7403) is discovered and read


def test_every_baru_message_reaches_the_receiver_once(day: Day) -> None:
    texts = [f"{m.json.get('title', '')}\n{m.json.get('message', '')}" for m in day.messages_first]
    # one [Baru] message per article, or one digest when a pass has more than digest_threshold items
    assert texts and all("[Baru]" in text or "[Ringkasan]" in text for text in texts)
    titles = {spec.url: spec.title for spec in firstday.new_articles()}
    for url in SIMPLE_RELEVANT:
        assert sum(titles[url] in text for text in texts) == 1, titles[url]
    assert not any(titles[url] in text for text in texts for url in day.scenario.irrelevant)


def test_no_media_page_is_fetched_and_each_is_recorded_as_media(day: Day) -> None:
    requested = {f"{r.host}{r.path}" for r in day.requests}
    for url in (*day.scenario.media, firstday.IMAGE_SITEMAP):
        parts = urlsplit(url)
        assert f"{parts.netloc}{parts.path}" not in requested, url
    fetched = {url for (url,) in day.query("SELECT url FROM fetches")}
    assert not fetched & {canonical_url(u) for u in day.scenario.media}
    recorded = dict(day.query("SELECT url, reason FROM discovery_rejections WHERE reason = 'media'"))
    assert set(recorded) == set(day.scenario.media)
    assert day.first["discovery"]["media"] == sum(
        row[0] for row in day.query("SELECT media FROM source_polls WHERE run_id = ?", [day.first["run_id"]]))


def test_twins_on_one_host_are_one_article(day: Day) -> None:
    # m./www. and AMP twins canonicalize to one address before anything is fetched
    assert {r.host for r in day.requests if r.host == "m.tribunnews.com"} == set()
    assert not [r for r in day.requests if "/amp/" in r.path]
    assert _tracked(day, firstday.TRIBUN_NEW) == 1 and _tracked(day, firstday.REPUBLIKA_NEW) == 1


def test_the_second_pass_changes_nothing(day: Day) -> None:
    assert day.counts_second == day.counts_first
    assert day.messages_second == []
    assert day.second["discovery"]["polled"] == day.first["discovery"]["polled"]
    assert day.second["discovery"]["new_articles"] == 0 and day.second["discovery"]["failed"] == 0
    outcomes = day.query("SELECT DISTINCT outcome FROM source_polls WHERE run_id = ?", [day.second["run_id"]])
    assert outcomes == [("ok",)]  # every listing was read in full again, and nothing in it was new
    checked = sum(p["checked"] for p in day.second["portals"].values())
    assert checked == day.counts_first["articles"] - len(day.query("SELECT url FROM articles WHERE NOT active"))


def test_a_migrated_tempo_address_is_the_tracked_article(day: Day) -> None:
    assert _tracked(day, firstday.TEMPO_MIGRATED) == 1
    assert _new_alerts(day, firstday.TEMPO_MIGRATED) == 1


def test_a_republika_double_slash_address_is_the_same_article(day: Day) -> None:
    assert _tracked(day, firstday.REPUBLIKA_OTHER) == 1


def test_the_first_day_alerts_each_relevant_article_exactly_once(day: Day) -> None:
    [(alerts,)] = day.query("SELECT count(*) FROM alerts WHERE kind = 'new'")
    assert alerts == len(day.scenario.relevant)
    assert len(day.messages_first) == len(day.scenario.relevant) <= 10  # no digest: one [Baru] each
    assert all("[Baru]" in m.json.get("title", "") for m in day.messages_first)
