"""What every sandbox shares: a threaded HTTP server, JSON and form bodies, routing by regex,
and callbacks fired at the merchant in the background."""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Request:
    def __init__(self, handler: BaseHTTPRequestHandler, body: bytes, params: dict[str, str]):
        self.method = handler.command
        self.path = urllib.parse.urlsplit(handler.path).path
        self.query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(handler.path).query))
        self.headers = handler.headers
        self.body = body
        self.params = params

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode("utf-8", "replace")))


# (status, JSON-able body or raw text, extra headers)
Response = tuple[int, Any, dict[str, str]]
Route = tuple[str, re.Pattern[str], Callable[[Request], Response]]


def _loopback(url: str) -> tuple[str, dict[str, str]]:
    """``*.localhost`` (the demo's and tests' marketplace hosts) is this machine: connect to
    127.0.0.1 and name the host in the Host header, as a resolver that knows RFC 6761 would."""
    parts = urllib.parse.urlsplit(url)
    headers = {"Content-Type": "application/json"}
    if parts.hostname and parts.hostname.endswith(".localhost"):
        headers["Host"] = parts.netloc
        netloc = "127.0.0.1" + (f":{parts.port}" if parts.port else "")
        url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return url, headers


class Sandbox:
    """A provider's sandbox: subclasses add routes with ``route(method, pattern)``."""

    name = "sandbox"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.routes: list[Route] = []
        self.callbacks_sent: list[tuple[str, Any]] = []

    def route(self, method: str, pattern: str, view: Callable[[Request], Response]) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), view))

    def dispatch(self, request: Request) -> Response:
        for method, pattern, view in self.routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                request.params = match.groupdict()
                return view(request)
        return 404, {"error": "no such route"}, {}

    def fire_callback(
        self, url: str, payload: Any, *, attempts: int = 5, headers: dict[str, str] | None = None
    ) -> None:
        """POST ``payload`` as JSON to ``url`` (with ``headers``) in the background, retrying on
        failure as the provider does."""

        target, sent = _loopback(url)
        headers = sent | (headers or {})

        def send() -> None:
            data = json.dumps(payload).encode()
            for attempt in range(attempts):
                request = urllib.request.Request(target, data=data, headers=headers, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=10) as answer:
                        if answer.status < 300:
                            self.callbacks_sent.append((url, payload))
                            return
                except OSError:
                    pass
                time.sleep(0.2 * 2**attempt)

        threading.Thread(target=send, daemon=True).start()

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        sandbox = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, payload, headers = sandbox.dispatch(Request(self, body, {}))
                raw = payload if isinstance(payload, bytes | str) else json.dumps(payload)
                data = raw.encode() if isinstance(raw, str) else raw
                self.send_response(status)
                if not isinstance(payload, bytes | str):
                    self.send_header("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format, *args):  # quiet: tests read state, not logs
                return

        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def main(sandbox: Sandbox) -> None:
    parser = argparse.ArgumentParser(description=f"The local {sandbox.name} sandbox.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    options = parser.parse_args()
    server = sandbox.serve(options.host, options.port)
    print(f"{sandbox.name} sandbox on http://{options.host}:{server.server_address[1]}", flush=True)
    threading.Event().wait()
