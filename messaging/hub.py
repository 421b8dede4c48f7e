"""Local fan-out: one subscription per process and stream.

Each daphne process joins a club stream's group on the channel layer once, on behalf of all its
pages that follow the stream, and hands each event's text (serialised once, when the event was
logged) to each of them. Without it, every page was a member of the group: a post to 500 pages
made 500 channel-layer deliveries and 500 consumer wake-ups in one process, one after the other.
The shape is that of Zulip's event queues and Phoenix's PubSub.

The hub also keeps the pages whole when the channel layer goes away and comes back (Redis
restarted): it sends itself a heartbeat through the layer every `HEARTBEAT_SECONDS`; when one
could not be sent or did not come back, the layer is taken as lost, and on the first heartbeat
that comes back the hub joins its groups again (a restarted Redis forgot them) and replays from
the event log what its streams logged meanwhile — a post saved while Redis was down reaches the
open pages as soon as Redis is back, not at their next 30-second catch-up.

A person's own stream ("user.7") stays on the page's own channel: it has one or two pages.
"""

import asyncio
import contextlib
import logging
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer

from community import event_log

from .frames import database_call

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
HEARTBEAT = {"type": "hub.heartbeat"}


class Reader(Protocol):
    """A page's connection, as the hub sees it (messaging.consumers.LiveConsumer)."""

    async def send(self, text_data: str) -> None: ...

    async def stream_ephemeral(self, message: dict) -> None: ...


class StreamHub:
    """The pages of one process (one event loop) and the club streams they follow."""

    def __init__(self, layer: Any):
        self.layer = layer
        self.channel: str | None = None
        self.readers: dict[str, set[Reader]] = {}
        # Pages still replaying a stream's log since they subscribed: its live events wait for
        # them, so that a page gets the stream in order, as when it was a member of the group.
        self.held: dict[tuple[str, Reader], list[dict]] = {}
        self.last_seq: dict[str, int] = {}  # the newest number relayed, for the replay below
        self.tasks: list[asyncio.Task] = []
        self.lost = False
        self.heartbeat_pending = False
        self.changing = asyncio.Lock()  # joins and leaves of the layer's groups, one at a time

    # --- Pages come and go ----------------------------------------------------------------------

    async def join(self, stream: str, reader: Reader) -> None:
        """The page follows the stream; its live events are held until `release`. Should the
        layer refuse (Redis down), the page follows nothing more and the error goes up."""
        async with self.changing:
            if self.channel is None:
                await self._start()
            if stream not in self.readers:
                try:
                    await self.layer.group_add(stream, self.channel)
                except Exception:
                    if not self.readers:
                        await self._stop()
                    raise
                self.readers[stream] = set()
            self.readers[stream].add(reader)
            self.held[stream, reader] = []

    async def release(self, stream: str, reader: Reader, replayed_up_to: int) -> None:
        """The page has its replay up to that number: it gets what waited, then live events."""
        self.last_seq[stream] = max(self.last_seq.get(stream, 0), replayed_up_to)
        for message in self.held.pop((stream, reader), []):
            if message.get("seq", replayed_up_to + 1) > replayed_up_to:
                await self._send(reader, message["text"])

    async def leave(self, stream: str, reader: Reader) -> None:
        self.held.pop((stream, reader), None)
        async with self.changing:
            readers = self.readers.get(stream)
            if readers is None or reader not in readers:
                return
            readers.discard(reader)
            if not readers:
                del self.readers[stream]
                self.last_seq.pop(stream, None)
                with contextlib.suppress(Exception):  # the layer is down: it forgot us anyway
                    await self.layer.group_discard(stream, self.channel)
            if not self.readers:
                await self._stop()

    # --- The process's one channel --------------------------------------------------------------

    async def _start(self) -> None:
        self.channel = await self.layer.new_channel()
        self.lost = False
        self.tasks = [
            asyncio.create_task(self._listen(), name="hub-listen"),
            asyncio.create_task(self._beat(), name="hub-heartbeat"),
        ]

    async def _stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks, self.channel = [], None

    async def _listen(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the core layer raises while Redis is down; the heartbeat tells
                self._mark_lost("réception impossible")
                await asyncio.sleep(HEARTBEAT_SECONDS)
                continue
            try:
                await self._handle(message)
            except Exception:  # one bad message never stops the others
                logger.exception("Message de la couche de canaux non distribué")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            if self.heartbeat_pending:  # the last one never came back
                self._mark_lost("battement de cœur perdu")
            self.heartbeat_pending = True
            try:
                await self.layer.send(self.channel, HEARTBEAT)
            except asyncio.CancelledError:
                raise
            except Exception:
                self._mark_lost("envoi impossible")

    def _mark_lost(self, why: str) -> None:
        if not self.lost:
            logger.warning("Couche de canaux perdue (%s) : rattrapage au retour", why)
        self.lost = True

    async def _handle(self, message: dict) -> None:
        kind = message.get("type")
        if kind == HEARTBEAT["type"]:
            self.heartbeat_pending = False
            if self.lost:
                await self._recover()
        elif kind == "stream.event":
            await self._relay(message)
        elif kind == "stream.ephemeral":
            for reader in list(self.readers.get(message["frame"]["stream"], ())):
                await reader.stream_ephemeral(message)

    async def _relay(self, message: dict) -> None:
        stream = message["stream"]
        seq = message.get("seq")
        if seq is not None:
            self.last_seq[stream] = max(self.last_seq.get(stream, 0), seq)
        for reader in list(self.readers.get(stream, ())):
            waiting = self.held.get((stream, reader))
            if waiting is not None:
                waiting.append(message)
            else:
                await self._send(reader, message["text"])

    @staticmethod
    async def _send(reader: Reader, text: str) -> None:
        try:
            await reader.send(text_data=text)
        except Exception:  # a page closing as the event arrives: the others still get it
            logger.debug("Page fermée pendant l'envoi", exc_info=True)

    # --- Back after the layer was lost ----------------------------------------------------------

    async def _recover(self) -> None:
        """Join the groups again (a restarted Redis forgot them), then replay what the streams
        logged since the last event relayed."""
        async with self.changing:
            for stream in list(self.readers):
                await self.layer.group_add(stream, self.channel)
        self.lost = False
        logger.warning("Couche de canaux revenue : rattrapage de %d flux", len(self.readers))
        for stream in list(self.readers):
            await self._catch_up(stream)

    async def _catch_up(self, stream: str) -> None:
        after = self.last_seq.get(stream, 0)
        missed = await database_call(event_log.events_after)(stream, after)
        if missed is None:  # too much to replay: each page reloads its data
            seq = await database_call(event_log.current_seq)(stream)
            frame = event_log.frame_text({"type": "resync", "stream": stream, "seq": seq})
            for reader in list(self.readers.get(stream, ())):
                await self._send(reader, frame)
            self.last_seq[stream] = seq
            return
        for event in missed:
            text = event_log.frame_text(event.as_frame())
            await self._relay({"stream": stream, "seq": event.seq, "text": text})


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, StreamHub]" = (
    weakref.WeakKeyDictionary()
)


def hub() -> StreamHub:
    """This process's hub (one per event loop: a test may run several loops, one after the
    other)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = StreamHub(get_channel_layer())
    return found
