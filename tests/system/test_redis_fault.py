"""Redis goes down while pages are connected and a member posts over HTTP: the post is saved and
the page answers without a 500; when Redis is back, the page gets the post exactly once, at once
(the process's hub replays what its streams logged meanwhile; with the core layer the page's
connection also ends and catches up as it reconnects). Both channel layers.

The test runs its own redis-server on a free loopback port (never the shared one), so that it
can stop it and start it again."""

import asyncio
import os
import time
import uuid

import pytest
import redis
from system_members import (
    CLUB_PATH,
    Member,
    ReconnectingClient,
    post_id_of,
    reply_over_http,
    run_async,
    thread_and_club,
)
from system_servers import DaphneProcess, RedisProcess, redis_server_or_skip

pytestmark = pytest.mark.system
PASSWORD = os.environ.get("DEMO_PASSWORD", "entrepairs-demo")
# Seconds, once Redis is back: well under the page's own 30-second catch-up, which this client
# does not even have.
CATCH_UP_WITHIN = 10


async def wait_for_health(member: Member, status: int, *, within: float) -> dict:
    deadline = time.monotonic() + within
    while True:
        health = await asyncio.to_thread(member.get, "/healthz")
        if health.status_code == status or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.25)
    assert health.status_code == status, health.text
    return health.json()["checks"]


@pytest.fixture
def private_redis(tmp_path):
    server = RedisProcess(redis_server_or_skip(), tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["pubsub", "core"])
def site_on_private_redis(request, server_env, private_redis, tmp_path):
    env = {**server_env, "REDIS_URL": private_redis.url, "CHANNEL_LAYER": request.param}
    server = DaphneProcess(env, tmp_path / "daphne.log")
    try:
        yield server
    finally:
        server.stop()


def test_a_post_made_while_redis_is_down_is_saved_and_reaches_the_pages_once_it_is_back(
    site_on_private_redis, private_redis
):
    site = site_on_private_redis
    writer = Member(site.url, "secretaire@demo.test", PASSWORD)
    reader = Member(site.url, "moderatrice@demo.test", PASSWORD)
    thread_path, club_id = thread_and_club(reader)
    stream = f"club.{club_id}"
    text = f"Publié pendant la panne de Redis {uuid.uuid4().hex[:8]}"

    async def scenario():
        client = ReconnectingClient(reader.websocket, [stream])
        running = asyncio.create_task(client.run())
        try:
            await asyncio.wait_for(client.subscribed.wait(), 15)
            first_seq = client.last_seq[stream]
            await wait_for_health(reader, 200, within=5)  # with a page connected, too

            await asyncio.to_thread(private_redis.stop)
            answer = await asyncio.to_thread(reply_over_http, writer, thread_path, text)
            assert answer.status_code == 302, (answer.status_code, site.log_tail())
            post_id = post_id_of(answer)

            shown = await asyncio.to_thread(writer.get, answer.headers["Location"])
            assert shown.status_code == 200 and text in shown.text
            assert f'id="message-{post_id}"' in shown.text
            for path in ("/", CLUB_PATH, thread_path):  # reading goes on without Redis
                page = await asyncio.to_thread(reader.get, path)
                assert page.status_code == 200, (path, page.status_code, site.log_tail())
            assert text in (await asyncio.to_thread(reader.get, thread_path)).text

            checks = await wait_for_health(reader, 503, within=0)
            assert checks["database"] == "ok"
            assert checks["channel_layer"] != "ok" and checks["channel_layer"].strip()

            await asyncio.to_thread(private_redis.start)
            deadline = time.monotonic() + CATCH_UP_WITHIN
            while client.saw(post_id) == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert client.saw(post_id) == 1, (
                f"post {post_id} seen {client.saw(post_id)} times within {CATCH_UP_WITHIN} s; "
                f"connections {client.connections}, failures {client.failures[-5:]}, "
                f"resyncs {client.resyncs}\n{site.log_tail()}"
            )
            await asyncio.sleep(1)  # a late duplicate would show up now
            assert client.saw(post_id) == 1
            assert client.fatal_close is None and not client.resyncs
            assert client.last_seq[stream] > first_seq
            await wait_for_health(reader, 200, within=15)
            # The live layer works again, without reconnecting: a new post arrives as it is made.
            connections = client.connections
            again = await asyncio.to_thread(reply_over_http, writer, thread_path, text + " (bis)")
            second = post_id_of(again)
            deadline = time.monotonic() + 10
            while client.saw(second) == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert client.saw(second) == 1 and client.connections == connections
        finally:
            client.stopping = True
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)

    run_async(asyncio.wait_for(scenario(), 120))


def test_the_private_redis_is_not_the_shared_one_and_comes_back_on_its_port(private_redis):
    assert private_redis.port != 6379
    assert private_redis.url == f"redis://127.0.0.1:{private_redis.port}/0"
    private_redis.stop()
    with pytest.raises(redis.exceptions.ConnectionError):
        redis.Redis.from_url(private_redis.url, socket_connect_timeout=0.5).ping()
    private_redis.start()
    assert redis.Redis.from_url(private_redis.url, socket_connect_timeout=0.5).ping()


def test_the_cache_fails_soft_while_redis_is_down(private_redis):
    from community.cache import FailSoftRedisCache

    cache = FailSoftRedisCache(
        private_redis.url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )
    cache.set("clé", "valeur")
    assert cache.get("clé") == "valeur"
    private_redis.stop()
    assert cache.get("clé", "absente") == "absente"
    assert cache.get_many(["clé"]) == {}
    assert cache.add("compteur", 0) is False
    cache.set("clé", "autre")  # dropped, without an exception
    with pytest.raises(ValueError):
        cache.incr("compteur")  # as for a missing key: the rate limits let the request through
    assert cache.delete("clé") is False
    private_redis.start()  # empty again: nothing was saved to disk
    assert cache.get("clé") is None
    cache.set("clé", "revenue")
    assert cache.get("clé") == "revenue"
