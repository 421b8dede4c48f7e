"""The floor of the websocket benchmarks: a bare `websockets` server with no framework.

It greets each connection with a hello frame, as the site does, and sends every frame it
receives to every open connection. Compression is off, as it is under daphne.

    python -m bench.raw_server --port 8765
"""

import argparse
import asyncio
import json

from websockets.asyncio.server import broadcast, serve

HELLO = json.dumps({"type": "hello"})


async def main(port: int) -> None:
    connections = set()

    async def handler(connection):
        connections.add(connection)
        try:
            await connection.send(HELLO)
            async for message in connection:
                broadcast(connections, message)
        finally:
            connections.discard(connection)

    async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
