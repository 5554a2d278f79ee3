"""Limits that keep one client from taking the machine: body size and requests per minute.

Both are plain ASGI middleware, so they act before FastAPI reads or parses anything. The
compute limit per request lives in ``workers.py`` (a run is stopped by ending its process).
"""

from __future__ import annotations

import json
import math
import time


async def _send_json(send, status: int, body: dict, headers: list | None = None) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


class BodyLimit:
    """413 for a request body over ``max_bytes``: by Content-Length when it is given, else
    counted as the body streams in (a chunked upload cannot slip past)."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _refusal(self) -> dict:
        return {
            "error": f"request body over {self.max_bytes} bytes",
            "message": f"request body over {self.max_bytes} bytes",
            "field": "body",
            "fix": "send a smaller scenario, or run large batches with the command line",
        }

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            return await _send_json(send, 413, self._refusal())
        seen = 0
        refused = False

        async def counted_receive():
            # past the limit: answer 413 now and tell the app the client left (FastAPI
            # turns an exception raised while it reads the body into a 400)
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    await _send_json(send, 413, self._refusal())
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            if not refused:  # after a 413 nothing the app says reaches the client
                await send(message)

        await self.app(scope, counted_receive, guarded_send)


class RateLimit:
    """429 past ``per_minute`` API requests per client address: a token bucket per client
    (``per_minute`` tokens, refilled continuously), in memory. Pages, static files, health
    checks and progress polls are not counted. ``per_minute`` 0 turns the limit off."""

    def __init__(self, app, per_minute: int, exempt: tuple[str, ...] = ()) -> None:
        self.app = app
        self.per_minute = per_minute
        self.exempt = exempt
        self.buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)

    def _take(self, client: str, now: float) -> float:
        """0 if a token was taken, else the seconds until one is there."""
        rate = self.per_minute / 60.0
        tokens, at = self.buckets.get(client, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - at) * rate)
        if tokens >= 1.0:
            self.buckets[client] = (tokens - 1.0, now)
            return 0.0
        self.buckets[client] = (tokens, now)
        return (1.0 - tokens) / rate

    def _forget_idle(self, now: float) -> None:
        """Drop clients whose bucket has refilled (memory stays bounded)."""
        full = 60.0
        for client, (_, at) in list(self.buckets.items()):
            if now - at > full:
                del self.buckets[client]

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or self.per_minute <= 0
            or not path.startswith("/api/")
            or path.startswith(self.exempt)
        ):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown",))[0]
        now = time.monotonic()
        if len(self.buckets) > 10_000:
            self._forget_idle(now)
        wait = self._take(client, now)
        if wait > 0:
            text = f"more than {self.per_minute} requests per minute from {client}"
            return await _send_json(
                send,
                429,
                {
                    "error": text,
                    "message": text,
                    "field": None,
                    "fix": f"wait {math.ceil(wait)} s",
                },
                [(b"retry-after", str(math.ceil(wait)).encode())],
            )
        return await self.app(scope, receive, send)
