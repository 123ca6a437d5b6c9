"""A pass's prepare step registers the configured articles and sources only when the config (or the
code that registers it) changed since the latest registration: the warehouse ends up the same."""
from __future__ import annotations

import pathlib
from typing import Any

import duckdb
import pytest

from beritawatch.config import Config, config_from_dict
from beritawatch.testing.replica.site import tracked_articles
from flows import monitor
from tests.conftest import WarehouseSpec
from warehouse import store
from warehouse.db import connect

SOURCE = {"url": "https://news.detik.com/rss", "kind": "rss", "every_minutes": 10}


def config(urls: list[str], sources: list[dict[str, Any]] | None = None) -> Config:
    return config_from_dict({"track": [{"url": url} for url in urls],
                             "discover": sources if sources is not None else [SOURCE]})


def tracked(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute("SELECT url, key, portal, source FROM articles ORDER BY url").fetchall()


def test_an_unchanged_config_is_registered_once(warehouse: WarehouseSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real_track = store.track

    def counting_track(*args: Any, **kwargs: Any) -> list[str]:
        calls.append(1)
        return real_track(*args, **kwargs)

    monkeypatch.setattr(store, "track", counting_track)
    urls = [spec.url for spec in tracked_articles()]
    monitor.prepare.fn(config(urls[:4]), warehouse.location, "run-1")
    monitor.prepare.fn(config(urls[:4]), warehouse.location, "run-2")
    assert len(calls) == 1  # the second pass found its config registered
    con = connect(warehouse.location)
    try:
        first = tracked(con)
        assert len(first) == 4
        digests = con.execute("SELECT run_id, config_digest FROM runs ORDER BY run_id").fetchall()
        assert [d for _, d in digests] == [monitor.registration_digest(config(urls[:4]))] * 2
    finally:
        con.close()
    monitor.prepare.fn(config(urls), warehouse.location, "run-3")  # one more article: registered
    monitor.prepare.fn(config(urls, [{**SOURCE, "every_minutes": 30}]), warehouse.location, "run-4")
    assert len(calls) == 3
    con = connect(warehouse.location)
    try:
        assert len(tracked(con)) == 5 and set(first) < set(tracked(con))
        assert con.execute("SELECT every_minutes FROM sources").fetchall() == [(30,)]
    finally:
        con.close()


def test_the_digest_follows_the_articles_the_sources_and_the_registering_code(
        monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    urls = [spec.url for spec in tracked_articles()]
    digest = monitor.registration_digest(config(urls))
    assert monitor.registration_digest(config(urls)) == digest
    assert monitor.registration_digest(config(urls[1:])) != digest
    assert monitor.registration_digest(config(urls, [{**SOURCE, "max_new": 5}])) != digest
    assert monitor.registration_digest(config(urls, [])) != digest
    module = tmp_path / "identity.py"
    module.write_text("# another version of the registering code\n", encoding="utf-8")

    class OtherCode:
        __file__ = str(module)

    monkeypatch.setattr(monitor, "REGISTRATION_CODE", (*monitor.REGISTRATION_CODE[1:], OtherCode))
    assert monitor.registration_digest(config(urls)) != digest
