"""The live layer's websocket: one connection per open page, JSON frames both ways.

The protocol is described in docs/realtime.md. Every frame from the browser is checked (size,
JSON, types, access) and answered; a bad frame gets an error frame and never disturbs the
connection or any other. Access is checked at each subscription and again whenever the
member's access changes (removal, ban, deactivation, logout).
"""

import asyncio
import json
import logging
import time

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from community import after_commit, event_log

from . import badges, frames, hub
from .frames import FrameError

logger = logging.getLogger(__name__)

# Close codes in the application range (4000-4999), so that the page knows not to retry.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# A frame over LIVE_MAX_FRAME_BYTES. The protocol's own code for it, 1009, is one an application
# may not send through daphne: its websocket library refuses every code but 1000 and 3000-4999,
# and the refusal became an error logged with its traceback and a close with 1011.
CLOSE_TOO_BIG = 4009


def frame_too_big(text: str) -> bool:
    """Whether a frame is over the limit, counted in bytes as it travelled (UTF-8): an accented
    letter is two, an emoji four."""
    if len(text) > settings.LIVE_MAX_FRAME_BYTES:  # over in characters: over in bytes too
        return True
    return len(text.encode("utf-8", errors="surrogatepass")) > settings.LIVE_MAX_FRAME_BYTES


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.subscriptions: dict[str, int] = {}  # stream → club id ("user.N" → 0)
        self.last_typing: dict[int, float] = {}
        self.viewing: dict[int, int] = {}  # thread id → club id, for presence
        self.badge_counting: asyncio.Task | None = None
        self.badge_stale = False
        self.personal = after_commit.group_name("user", user.pk)
        self.hub = hub.hub()  # club streams come through the process's hub (messaging/hub.py)
        await self.channel_layer.group_add(self.personal, self.channel_name)
        await self.accept()
        await self.send_frame({"type": "hello", "user": user.pk})

    async def disconnect(self, code):
        if not hasattr(self, "user"):
            return
        if self.badge_counting:
            self.badge_counting.cancel()
        for thread_id in list(self.viewing):
            try:
                await frames.left(self, thread_id)
            except Exception:  # presence is a hint: never let it stop the cleanup
                logger.warning("Présence non mise à jour au départ", exc_info=True)
        for stream in list(self.subscriptions):
            await self.hub.leave(stream, self)
        await self.channel_layer.group_discard(self.personal, self.channel_name)

    async def dispatch(self, message):
        """As Channels' own, without its hop to the sync thread before every message to close
        stale database connections: a post fanned out to 500 pages made 500 such hops, one
        after the other, and they were most of the delay. This consumer reads the database
        only through `frames.database_call`, which closes stale connections in its own thread."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def send_frame(self, frame: dict) -> None:
        await self.send(text_data=event_log.frame_text(frame))

    # --- Frames from the page -------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            await self.send_frame({"type": "error", "reason": "trame binaire non prise en charge"})
            return
        if frame_too_big(text_data):
            await self.send_frame({"type": "error", "reason": "trame trop grande"})
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            frame = json.loads(text_data)
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            await self.send_frame({"type": "error", "reason": "JSON invalide"})
            return
        if not isinstance(frame, dict):
            await self.send_frame({"type": "error", "reason": "message JSON attendu (objet)"})
            return
        await self.dispatch_frame(frame)

    async def dispatch_frame(self, frame: dict) -> None:
        kind = frame.get("type")
        handler = frames.HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            await self.send_frame(
                {
                    "type": "error",
                    "reason": "type de message inconnu",
                    "received": str(frame.get("type"))[:40],
                }
            )
            return
        try:
            await handler(self, frame)
        except FrameError as error:
            await self.send_frame({"type": "error", "reason": str(error), **frames.echo(frame)})
        except Exception:
            logger.exception("Trame %s : erreur inattendue", frame.get("type"))
            await self.send_frame(
                {"type": "error", "reason": "erreur du serveur, réessayez", **frames.echo(frame)}
            )

    # --- Messages from the channel layer --------------------------------------------------------

    async def stream_event(self, message):
        """An event of the member's own stream, logged: its text is sent as it is. (A club's
        events come through the hub.)"""
        if message["stream"] == self.personal:
            await self.send(text_data=message["text"])

    async def stream_ephemeral(self, message):
        """Typing and presence, handed by the hub: not logged, not numbered; typing is not
        echoed to its writer."""
        frame = message["frame"]
        if frame["stream"] in self.subscriptions and frame.get("user") != self.user.pk:
            await self.send_frame(frame)

    async def access_changed(self, message):
        still_allowed = await frames.database_call(frames.allowed_streams)(
            self.user.pk, list(self.subscriptions)
        )
        if still_allowed is None:  # the account is gone or deactivated
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # A password change ends the other sessions: their pages close like a logout's.
        session_key = getattr(self.scope.get("session"), "session_key", None)
        if not await frames.database_call(frames.login_still_valid)(self.user.pk, session_key):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        for stream in [s for s in self.subscriptions if s not in still_allowed]:
            await frames.stop_following(self, stream)
            await self.send_frame({"type": "unsubscribed", "stream": stream, "reason": "access"})

    async def notifications_changed(self, message):
        """The member's notifications changed: the page updates its header badge.

        Counted beside the stream rather than in it, so that the thread's events do not wait
        for the count; and a burst of changes (a busy thread's replies) while a count runs
        makes one more count, not one each."""
        self.badge_stale = True
        if self.badge_counting is None or self.badge_counting.done():
            self.badge_counting = asyncio.create_task(self.count_badge())

    async def count_badge(self):
        user = self.user
        while self.badge_stale:
            self.badge_stale = False
            try:
                unread = await frames.database_call(lambda: badges.unread(user))()
                await self.send_frame({"type": "notifications", "unread": unread})
            except Exception:  # the next change or reload counts again; the socket stays
                logger.warning("Pastille de notifications non mise à jour", exc_info=True)

    async def session_ended(self, message):
        session = self.scope.get("session")
        if session is not None and message.get("session_key") == session.session_key:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    # --- Throttles ------------------------------------------------------------------------------

    def typing_allowed(self, thread_id: int) -> bool:
        now = time.monotonic()
        if now - self.last_typing.get(thread_id, 0) < settings.LIVE_TYPING_INTERVAL:
            return False
        self.last_typing[thread_id] = now
        return True
