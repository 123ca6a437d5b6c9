"""A headless Chromium driven over the DevTools protocol: open a page at a given width, evaluate
an expression (CDP evaluation is not subject to the page's CSP, so the page itself stays
script-free), take screenshots, and collect console and CSP errors."""
from __future__ import annotations

import base64
import json
import pathlib
import subprocess
import time
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

CHROMIUM = pathlib.Path("/usr/bin/chromium")


class Browser:
    def __init__(self, profile: pathlib.Path, binary: pathlib.Path = CHROMIUM) -> None:
        self.profile = profile
        self.process = subprocess.Popen(
            [str(binary), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ws = self._connect()
        self.next_id = 0
        self.log: list[str] = []
        for method in ("Page.enable", "Log.enable", "Runtime.enable"):
            self.call(method)

    def _connect(self) -> ClientConnection:
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(t for t in targets if t["type"] == "page")
        return connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=30)

    def _events(self, message: dict[str, Any]) -> None:
        if message.get("method") == "Log.entryAdded":
            entry = message["params"]["entry"]
            if entry.get("level") == "error":
                self.log.append(entry.get("text", ""))
        elif message.get("method") == "Runtime.exceptionThrown":
            self.log.append(json.dumps(message["params"])[:300])

    def call(self, method: str, wait_event: str | None = None, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        result: dict[str, Any] | None = None
        seen_event = wait_event is None
        while result is None or not seen_event:
            message = json.loads(self.ws.recv(timeout=60))
            self._events(message)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result = message.get("result", {})
            elif wait_event and message.get("method") == wait_event:
                seen_event = True
        return result

    def open(self, url: str, width: int, height: int = 900) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 600)
        self.call("Page.navigate", wait_event="Page.loadEventFired", url=url)

    def eval(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: pathlib.Path, full_page: bool = True) -> None:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            width, height = self.eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params |= {"captureBeyondViewport": True,
                       "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 6000), "scale": 1}}
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", **params)["data"]))

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=30)
