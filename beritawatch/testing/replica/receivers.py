"""Real local alert receivers on 127.0.0.1: a JSON webhook (stdlib HTTP server) and an SMTP
server (aiosmtpd). Both are context managers, record what arrives, and can be told to fail.

    with JsonReceiver(fail_first=2) as hook, SmtpReceiver() as smtp:
        deliver(hook.url(), messages)     # json://127.0.0.1:<port>/hook
        deliver(smtp.url(), messages)     # mailto://127.0.0.1:<port>?...&mode=insecure

Run `python -m beritawatch.testing.replica.receivers` to keep both open and print what arrives (for a demo).
"""
from __future__ import annotations

import dataclasses
import email
import email.message
import email.policy
import json
import socket
import struct
import threading
import time
from collections.abc import Collection, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:  # aiosmtpd is a test/demo extra: imported only when an SMTP receiver starts
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Envelope, Session

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@dataclasses.dataclass(frozen=True)
class Received:
    """One HTTP request that reached the JSON receiver, and how it was answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # 0 when the connection was reset without an answer

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (reset, broken pipe) is normal here: no traceback on stderr."""


class JsonReceiver:
    """An HTTP server that records each POST body and answers 200, or fails when told to.

    `fail_first` attempts get `fail_status`; `reset_first` attempts (counted before those) get
    a TCP reset and no answer; the attempts numbered in `fail_on` (from 1) get `fail_status`
    too; `delay` seconds pass before every answer; `down()` closes the port (connection
    refused) until `up()`.
    """

    def __init__(
        self,
        *,
        fail_first: int = 0,
        fail_status: int = 500,
        reset_first: int = 0,
        fail_on: Collection[int] = (),
        delay: float = 0.0,
    ) -> None:
        self.fail_first = fail_first
        self.fail_on = frozenset(fail_on)
        self.fail_status = fail_status
        self.reset_first = reset_first
        self.delay = delay
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def accepted(self) -> list[Received]:
        """The requests answered with a 2xx status."""
        return [r for r in self.requests if 200 <= r.status < 300]

    @property
    def attempts(self) -> int:
        return len(self.requests)

    def url(self, path: str = "/hook", scheme: str = "json", **params: str) -> str:
        """The apprise URL of this receiver."""
        query = f"?{urlencode(params)}" if params else ""
        return f"{scheme}://{LOOPBACK}:{self.port}{path}{query}"

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            attempt = len(self.requests) + 1
            if attempt <= self.reset_first:
                status = 0
            elif attempt <= self.reset_first + self.fail_first or attempt in self.fail_on:
                status = self.fail_status
            else:
                status = 200
            self.requests.append(
                Received(path=handler.path, headers=dict(handler.headers.items()), body=body, status=status)
            )
        if self.delay:
            time.sleep(self.delay)
        if status == 0:
            # SO_LINGER 0: close with a reset, as a crashing receiver would.
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            return
        payload = b"{}" if status == 200 else b'{"error": "injected failure"}'
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (stdlib naming)
                receiver._answer(self)

            do_PUT = do_POST  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler

    def up(self) -> None:
        """Start listening (again, on the same port once one was picked)."""
        if self._server is not None:
            return
        server = _QuietServer((LOOPBACK, self.port), self._handler())
        server.daemon_threads = True
        server.block_on_close = False  # a handler sleeping in `delay` must not hold up stop()
        self.port = int(server.server_address[1])
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="json-receiver", daemon=True
        )
        self._thread.start()

    def down(self) -> None:
        """Stop listening: connections are refused until `up()`."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> JsonReceiver:
        self.up()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.down()


class _SmtpHandler:
    def __init__(self, receiver: SmtpReceiver) -> None:
        self.receiver = receiver

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        return self.receiver._receive(envelope)


class SmtpReceiver:
    """An SMTP server (aiosmtpd) that records each message, or refuses the first `fail_first`."""

    def __init__(self, *, fail_first: int = 0, fail_reply: str = "451 4.3.0 Try again later") -> None:
        self.fail_first = fail_first
        self.fail_reply = fail_reply
        self.attempts = 0
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (mail from, rcpt tos)
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self.port = 0

    def url(
        self, to: str = "analyst@example.org", sender: str = "beritawatch@example.com", **params: str
    ) -> str:
        """The apprise mailto:// URL of this server (plain SMTP, no TLS, no login)."""
        query = urlencode({"from": sender, "to": to, "mode": "insecure", **params})
        return f"mailto://{LOOPBACK}:{self.port}?{query}"

    def _receive(self, envelope: Envelope) -> str:
        with self._lock:
            self.attempts += 1
            if self.attempts <= self.fail_first:
                return self.fail_reply
            raw = envelope.original_content or envelope.content or b""
            data = raw if isinstance(raw, bytes) else raw.encode()
            message = email.message_from_bytes(data, policy=email.policy.default)
            assert isinstance(message, email.message.EmailMessage)
            self.messages.append(message)
            self.envelopes.append((str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos]))
        return "250 OK"

    def start(self) -> None:
        last: OSError | None = None
        for _ in range(5):  # the picked port may be taken between probing and binding
            port = free_port()
            from aiosmtpd.controller import Controller

            controller = Controller(_SmtpHandler(self), hostname=LOOPBACK, port=port)
            try:
                controller.start()
            except OSError as exc:
                last = exc
                continue
            self._controller, self.port = controller, port
            return
        raise RuntimeError(f"could not start the SMTP receiver: {last}")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpReceiver:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _demo() -> Iterator[str]:
    with JsonReceiver() as hook, SmtpReceiver() as smtp:
        yield f"JSON receiver: {hook.url()}"
        yield f"SMTP receiver: {smtp.url()}"
        seen_hook = seen_mail = 0
        while True:
            time.sleep(0.5)
            for request in hook.requests[seen_hook:]:
                yield f"POST {request.path} key={request.headers.get('X-Beritawatch-Key')}: {request.body[:300]!r}"
            for message in smtp.messages[seen_mail:]:
                yield f"MAIL {message['Subject']!s} key={message.get('X-Beritawatch-Key')}"
            seen_hook, seen_mail = len(hook.requests), len(smtp.messages)


if __name__ == "__main__":
    try:
        for line in _demo():
            print(line, flush=True)
    except KeyboardInterrupt:
        pass
