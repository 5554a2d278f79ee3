"""The limits on their own (no server): the token bucket's arithmetic and the body count."""

from __future__ import annotations

import asyncio

import pytest

from monoselect.web.limits import BodyLimit, RateLimit


def test_a_client_gets_its_burst_then_one_request_per_refill_interval():
    limit = RateLimit(app=None, per_minute=60)  # one token a second
    t = 1000.0
    assert [limit._take("a", t) for _ in range(60)] == [0.0] * 60
    assert limit._take("a", t) == pytest.approx(1.0)  # empty: wait a second
    assert limit._take("a", t + 0.5) == pytest.approx(0.5)
    assert limit._take("a", t + 1.0) == 0.0  # refilled
    assert limit._take("b", t) == 0.0  # another client has its own bucket


def test_a_bucket_never_holds_more_than_a_minute_of_requests():
    limit = RateLimit(app=None, per_minute=10)
    limit._take("a", 0.0)
    limit._take("a", 10_000.0)
    tokens, _ = limit.buckets["a"]
    assert tokens == pytest.approx(9.0)


def _call(app, body_chunks, headers=()):
    """Run an ASGI app on one request; (status, the app saw the whole body)."""
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(body_chunks) - 1}
        for i, c in enumerate(body_chunks)
    ]
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/api/simulate", "headers": list(headers)}
    asyncio.run(app(scope, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


async def _echo(scope, receive, send):
    """An app that reads the whole body, then answers 200."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def test_body_limit_counts_a_body_sent_without_a_length():
    app = BodyLimit(_echo, max_bytes=100)
    assert _call(app, [b"x" * 60]) == 200
    assert _call(app, [b"x" * 60, b"x" * 60]) == 413


def test_body_limit_refuses_by_the_declared_length_before_reading():
    app = BodyLimit(_echo, max_bytes=100)
    assert _call(app, [b""], [(b"content-length", b"5000")]) == 413
    assert _call(app, [b""], [(b"content-length", b"-1")]) == 413
