"""Websocket clients for the benchmarks: a crowd that listens and notes when each post reaches
each client, and posters. The same clients talk to the site and to the raw floor server
(bench/raw_server.py), which relays the frames a poster sends as they are."""

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Sequence

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

CONNECTING_AT_ONCE = 50
# The site's event and the floor's frame, as the server writes them (json.dumps, key order kept).
POST_CREATED = re.compile(r'"event": "post\.created", .*?"post": (-?\d+)')


async def open_socket(ws_url: str, cookie: str | None) -> ClientConnection:
    """A websocket to the site's /ws/live/ (with a session cookie) or to the raw server."""
    headers = {"Cookie": cookie} if cookie else {}
    socket = await connect(
        ws_url + "/ws/live/",
        additional_headers=headers,
        origin=Origin(ws_url.replace("ws://", "http://", 1)),  # a page of the server's own origin
        compression=None,  # daphne does not compress either
        open_timeout=60,
        max_queue=None,
    )
    hello = json.loads(await socket.recv())
    if hello.get("type") != "hello":
        raise RuntimeError(f"no hello but {hello}")
    return socket


async def receive_type(socket, frame_type: str) -> dict:
    while True:
        frame = json.loads(await socket.recv())
        if frame.get("type") == frame_type:
            return frame


class Crowd:
    """Clients of one server, subscribed to one stream, each noting when each post arrives."""

    def __init__(self, ws_url: str):
        self.ws_url = ws_url
        self.sockets: list[ClientConnection] = []
        self.listeners: list[asyncio.Task[None]] = []
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        self.waiting: dict[int, tuple[int, asyncio.Event]] = {}

    def __len__(self) -> int:
        return len(self.sockets)

    async def grow(self, cookies: Sequence[str | None], stream: str | None = None) -> None:
        """Connect one more client per cookie (None: no session, for the raw server)."""
        gate = asyncio.Semaphore(CONNECTING_AT_ONCE)

        async def join(cookie):
            async with gate:
                socket = await open_socket(self.ws_url, cookie)
                if stream:
                    await socket.send(json.dumps({"type": "subscribe", "stream": stream}))
                    await receive_type(socket, "subscribed")
                return socket

        joined = await asyncio.gather(*(join(cookie) for cookie in cookies))
        self.sockets += joined
        self.listeners += [asyncio.create_task(self._listen(socket)) for socket in joined]

    async def _listen(self, socket) -> None:
        async for message in socket:
            arrived = time.perf_counter()
            # Not the whole frame parsed: with 2,000 clients in this one process, parsing each
            # post's HTML would delay the later arrivals, on the site as on the floor.
            found = POST_CREATED.search(message)
            if found is None:
                continue
            post = int(found.group(1))
            self.arrivals[post].append(arrived)
            wanted = self.waiting.get(post)
            if wanted and len(self.arrivals[post]) >= wanted[0]:
                wanted[1].set()

    async def arrivals_of(self, post: int, timeout: float) -> list[float]:
        """When the post reached each client, once all have it or after `timeout` seconds."""
        if len(self.arrivals[post]) < len(self):
            event = asyncio.Event()
            self.waiting[post] = (len(self), event)
            with contextlib.suppress(TimeoutError):  # the caller counts what is missing
                await asyncio.wait_for(event.wait(), timeout)
            del self.waiting[post]
        return self.arrivals.pop(post)

    async def close(self) -> None:
        for listener in self.listeners:
            listener.cancel()
        await asyncio.gather(*(socket.close() for socket in self.sockets), return_exceptions=True)
        self.sockets, self.listeners = [], []


class Poster:
    """One client that posts: over the site's protocol (an ack gives the post's id), or, to the
    raw server, a frame shaped like the site's post.created event, relayed as it is."""

    numbers = itertools.count(1)

    def __init__(self, socket, *, thread: int | None, stream: str, html: str):
        self.socket, self.thread, self.stream, self.html = socket, thread, stream, html
        self.acks: dict[str, asyncio.Future] = {}
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def to_site(cls, ws_url: str, cookie: str, *, thread: int, stream: str):
        return cls(await open_socket(ws_url, cookie), thread=thread, stream=stream, html="")

    @classmethod
    async def to_raw_server(cls, ws_url: str, *, stream: str, html: str):
        return cls(await open_socket(ws_url, None), thread=None, stream=stream, html=html)

    async def _read(self) -> None:
        async for message in self.socket:
            frame = json.loads(message)
            if frame.get("type") == "ack":
                self.acks.pop(frame["client_id"]).set_result(frame["post"])

    async def send(self) -> asyncio.Future:
        """Send one post; a future of its id (known at once for the raw server)."""
        number = next(self.numbers)
        done = asyncio.get_running_loop().create_future()
        if self.thread is None:
            frame = {"type": "event", "stream": self.stream, "seq": number,
                     "event": "post.created", "post": -number, "html": self.html}  # fmt: skip
            done.set_result(-number)
        else:
            client_id = f"banc-{number}-{time.time_ns()}"
            self.acks[client_id] = done
            frame = {"type": "post", "thread": self.thread, "client_id": client_id,
                     "source": f"Message de mesure n° {number}."}  # fmt: skip
        await self.socket.send(json.dumps(frame, ensure_ascii=False))
        return done

    async def close(self) -> None:
        self.reader.cancel()
        await self.socket.close()
