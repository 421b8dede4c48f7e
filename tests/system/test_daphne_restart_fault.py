"""A daphne process is killed while a page is connected to it, and started again on the same
port; meanwhile a member posts through a second process. The page reconnects, catches up from
the event log with `after`, and shows every post exactly once."""

import asyncio
import os
import time
import uuid

import pytest
from system_members import (
    Member,
    ReconnectingClient,
    post_id_of,
    reply_over_http,
    run_async,
    thread_and_club,
)
from system_servers import DaphneProcess

pytestmark = pytest.mark.system
PASSWORD = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")


@pytest.fixture
def two_processes(redis_server_env, tmp_path):
    first = DaphneProcess(redis_server_env, tmp_path / "first.log")
    try:
        second = DaphneProcess(redis_server_env, tmp_path / "second.log")
    except Exception:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


async def seen_once(client: ReconnectingClient, post_id: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while client.saw(post_id) == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return client.saw(post_id) == 1


def test_pages_of_a_killed_process_reconnect_and_catch_up_without_losing_a_post(two_processes):
    restarted, other = two_processes
    reader = Member(restarted.url, "moderatrice@demo.test", PASSWORD)
    writer = Member(other.url, "secretaire@demo.test", PASSWORD)
    thread_path, club_id = thread_and_club(reader)
    stream = f"club.{club_id}"
    tag = uuid.uuid4().hex[:8]

    def post(n: int) -> int:
        return post_id_of(reply_over_http(writer, thread_path, f"Message {n} ({tag})"))

    async def scenario():
        client = ReconnectingClient(reader.websocket, [stream])
        running = asyncio.create_task(client.run())
        try:
            await asyncio.wait_for(client.subscribed.wait(), 15)
            before = await asyncio.to_thread(post, 1)
            assert await seen_once(client, before, 10), client.failures

            await asyncio.to_thread(restarted.kill)
            during = [await asyncio.to_thread(post, n) for n in (2, 3, 4)]
            await asyncio.to_thread(restarted.start)  # same port: the page's URL is unchanged

            for post_id in during:
                assert await seen_once(client, post_id, 30), (
                    f"post {post_id} seen {client.saw(post_id)} times; connections "
                    f"{client.connections}, failures {client.failures[-5:]}\n"
                    f"{restarted.log_tail()}"
                )
            after = await asyncio.to_thread(post, 5)
            assert await seen_once(client, after, 10)
            await asyncio.sleep(1)  # a late duplicate would show up now
            assert client.applied_posts == [before, *during, after]
            assert client.connections >= 2 and client.fatal_close is None
            assert not client.resyncs
        finally:
            client.stopping = True
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)

    run_async(asyncio.wait_for(scenario(), 150))
