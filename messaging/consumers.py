"""The live layer's websocket: one connection per open page, JSON messages both ways.

The protocol is described in docs/realtime.md.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

# Close codes in the application range (4000-4999), so that the page knows not to retry.
CLOSE_UNAUTHENTICATED = 4401


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "reason": "message JSON attendu (objet)"})
            return
        if content.get("type") == "ping":
            await self.send_json({"type": "pong", "id": content.get("id")})
            return
        await self.send_json(
            {"type": "error", "reason": "type de message inconnu", "received": content.get("type")}
        )

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None
