"""The loopback replica for the benchmark, in its own process so it never competes for our GIL.

`BenchReplica` is the project's replica with every article page wrapped in portal chrome
(`bench.corpus.wrap`, cached per page version). `ReplicaProcess` starts it in a child process,
loads the articles, and edits them or switches validators off between passes on request.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import multiprocessing.connection
import time
from typing import Any

from bench.corpus import edited, make_specs, wrap
from beritawatch.testing.replica import server
from beritawatch.testing.replica.render import ArticleSpec, page_urls
from beritawatch.testing.replica.server import Replica


class BenchReplica(Replica):
    """The replica serving ~150 KB pages: the rendered article inside its portal's chrome."""

    def __init__(self) -> None:
        super().__init__()
        self.record_requests = False  # 2,000-article passes: do not keep every request
        self._wrapped: dict[tuple[str, object], bytes] = {}
        self.served = 0
        self.rotating = False  # each answer differs outside the article, as real pages' ads and counters do

    def _resolve(self, host: str, path: str) -> tuple[server.Behavior | None, server._Resource | None]:
        behavior, resource = super()._resolve(host, path)
        self.served += 1
        key = f"{host.lower()}{path}"
        page = self._pages.get(key)
        if resource is None or page is None:
            return behavior, resource
        cache_key = (key, resource.modified)
        body = self._wrapped.get(cache_key)
        if body is None:
            spec = self._articles[page[0]]
            body = self._wrapped[cache_key] = wrap(resource.body, page[1], spec.portal)
        if self.rotating:
            end = body.rfind(b"</body>")
            body = body[:end] + b'<div class="ads-rotating">%d</div>' % self.served + body[end:]
        return behavior, dataclasses.replace(resource, body=body)

    def warm(self) -> int:
        """Render and wrap every page once (so a timed pass never pays for it); bytes served."""
        total = 0
        with self._lock:
            keys = [(key.split("/", 1)[0], "/" + key.split("/", 1)[1]) for key in self._pages]
        for host, path in keys:
            _, resource = self._resolve(host, path)
            total += len(resource.body) if resource else 0
        self.served = 0
        return total


def fetched_urls(spec: ArticleSpec) -> list[str]:
    """The URLs a check of `spec` fetches: page 1, then pages 2..N (not the one-page variant)."""
    return page_urls(spec)[: spec.pages] if spec.pages > 1 else [spec.url]


def _serve(conn: multiprocessing.connection.Connection, count: int, seed: int) -> None:
    """The child process: serve `count` articles, obey commands until "stop"."""
    specs = {spec.url: spec for spec in make_specs(count, seed)}
    replica = BenchReplica()
    started = time.perf_counter()
    for spec in specs.values():
        replica.add_article(spec)
    page_bytes = replica.warm()
    replica.start()
    conn.send({"origin": replica.origin, "routes": replica.route_map(),
               "pages": len(replica._wrapped), "bytes": page_bytes,
               "setup_s": time.perf_counter() - started})
    while True:
        command, args = conn.recv()
        if command == "stop":
            replica.stop()
            conn.send("stopped")
            return
        if command == "edit":
            urls, salt = args
            for url in urls:
                replica.edit(url, **{k: v for k, v in dataclasses.asdict(edited(specs[url], salt)).items()
                                     if k in ("paragraphs", "updated")})
            replica.warm()
            conn.send(len(urls))
        elif command == "validators":
            for spec in specs.values():
                for url in page_urls(spec):
                    if args:
                        replica.behave(url, None)  # back to the default: validators sent
                    else:
                        replica.behave(url, validators=False)
            conn.send(bool(args))
        elif command == "served":
            conn.send(replica.served)
        elif command == "rotating":
            replica.rotating = bool(args)
            conn.send(replica.rotating)
        else:
            conn.send(ValueError(f"unknown command {command!r}"))


class ReplicaProcess:
    """The benchmark's replica in a child process: `with ReplicaProcess(2000) as replica: ...`."""

    def __init__(self, count: int, seed: int = 9) -> None:
        self.count, self.seed = count, seed
        self.specs = make_specs(count, seed)
        self.info: dict[str, Any] = {}
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, count, seed), name="bench-replica",
                                        daemon=True)

    def __enter__(self) -> ReplicaProcess:
        self._process.start()
        self.info = self._conn.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._call("stop")
        finally:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=5)

    def _call(self, command: str, args: Any = None) -> Any:
        self._conn.send((command, args))
        answer = self._conn.recv()
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    @property
    def routes(self) -> dict[str, str]:
        return dict(self.info["routes"])

    def edit(self, urls: list[str], salt: int = 1) -> int:
        """Edit these articles (one paragraph reworded, one added); their validators change too."""
        return int(self._call("edit", (urls, salt)))

    def validators(self, on: bool) -> None:
        """Send (on) or withhold (off) ETag/Last-Modified for every page."""
        self._call("validators", on)

    def served(self) -> int:
        return int(self._call("served"))

    def rotating(self, on: bool) -> None:
        """Make every answer differ outside the article (on), or serve the same bytes again (off)."""
        self._call("rotating", on)
