"""Which failures the client calls retryable: connection errors, 429 and 5xx; never other 4xx."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lianxin.broker import free_port
from sync.client import CallFailure, CentralClient


class Scripted(BaseHTTPRequestHandler):
    """Answers every call with the status and body the test set on the server."""

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        server.seen.append((self.path, self.headers.get("Authorization"), self.rfile.read(length)))  # type: ignore[attr-defined]
        status, body = server.script  # type: ignore[attr-defined]
        payload = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    http = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    http.script = (200, "{}")  # type: ignore[attr-defined]
    http.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield http
    http.shutdown()
    http.server_close()


def client_for(server: ThreadingHTTPServer) -> CentralClient:
    port = server.server_address[1]
    return CentralClient(f"http://127.0.0.1:{port}/api/v1", "secret-token", timeout_s=5)


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (500, True),
        (502, True),
        (503, True),
        (429, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (413, False),
        (422, False),
    ],
)
def test_failure_is_retryable_only_for_5xx_and_429(
    server: ThreadingHTTPServer, status: int, retryable: bool
) -> None:
    server.script = (status, json.dumps({"detail": "no"}))  # type: ignore[attr-defined]
    answer = client_for(server).push(['{"event_id": "e1"}'])
    assert isinstance(answer, CallFailure)
    assert (answer.status, answer.retryable) == (status, retryable)
    assert "no" in answer.reason


def test_connection_refused_is_retryable() -> None:
    client = CentralClient(f"http://127.0.0.1:{free_port()}/api/v1", "t" * 20, timeout_s=2)
    answer = client.push([])
    assert isinstance(answer, CallFailure)
    assert answer.retryable and answer.status is None


def test_unreadable_success_is_retryable(server: ThreadingHTTPServer) -> None:
    server.script = (200, "<html>proxy says hello</html>")  # type: ignore[attr-defined]
    answer = client_for(server).push([])
    assert isinstance(answer, CallFailure) and answer.retryable


def test_every_call_carries_the_hub_token_and_items(server: ThreadingHTTPServer) -> None:
    server.script = (  # type: ignore[attr-defined]
        200,
        json.dumps({"results": [{"index": 0, "event_id": "e1", "status": "accepted"}]}),
    )
    answer = client_for(server).push(['{"event_id": "e1"}'])
    assert not isinstance(answer, CallFailure)
    assert answer[0].status == "accepted"
    path, authorization, body = server.seen[0]  # type: ignore[attr-defined]
    assert path == "/api/v1/events"
    assert authorization == "Bearer secret-token"
    assert json.loads(body) == {"items": [{"event_id": "e1"}]}


def test_items_are_sent_as_the_json_they_were_given(server: ThreadingHTTPServer) -> None:
    server.script = (200, json.dumps({"results": []}))  # type: ignore[attr-defined]
    items = ['{"event_id":"e1","payload":{"body":{}}}', '{"event_id":"e2"}']
    client_for(server).push(items)
    _path, _authorization, body = server.seen[0]  # type: ignore[attr-defined]
    assert body == b'{"items":[' + ",".join(items).encode() + b"]}"
