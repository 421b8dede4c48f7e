"""Two daphne processes behind one site: a post through process A reaches a page connected to
process B, through the Redis channel layer and the shared database."""

import asyncio
import json
import os
import re

import pytest
from system_members import Member, receive_until, run_async
from system_servers import DaphneProcess

pytestmark = pytest.mark.system
PASSWORD = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")


@pytest.fixture
def two_servers(redis_server_env):
    first = DaphneProcess(redis_server_env)
    try:
        second = DaphneProcess(redis_server_env)
    except Exception:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


def test_a_post_through_one_process_reaches_a_page_on_the_other(two_servers):
    a, b = two_servers
    writer = Member(a.url, "secretaire@demo.test", PASSWORD)
    reader = Member(b.url, "moderatrice@demo.test", PASSWORD)
    club_page = reader.get("/clubs/secretaires-de-mairie/").text
    club_id = int(re.search(r'data-thread-list="club\.(\d+)"', club_page).group(1))

    async def scenario():
        async with reader.websocket() as socket:
            await socket.recv()  # hello
            await socket.send(json.dumps({"type": "subscribe", "stream": f"club.{club_id}"}))
            await receive_until(socket, lambda f: f["type"] == "subscribed")
            response = await asyncio.to_thread(
                writer.post_form,
                "/clubs/secretaires-de-mairie/fils/nouveau/",
                {"title": "Entre deux serveurs", "source": "Posté sur A, lu sur B."},
            )
            assert response.status_code == 200 and "Entre deux serveurs" in response.text
            created = await receive_until(socket, lambda f: f.get("event") == "post.created")
            return created

    created = run_async(scenario())
    assert "Posté sur A, lu sur B." in created["html"]
    assert created["author_name"] == "Claire Martin"
