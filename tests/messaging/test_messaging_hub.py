"""Local fan-out (messaging/hub.py): one membership of a club stream's group per process, the
event handed to each page of the process, in order after its replay; and the channel layer lost
and found again, with the missed events replayed from the log at once."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from live_sessions import next_event, open_socket, subscribed

from community import after_commit, event_log
from messaging import actions, hub

pytestmark = pytest.mark.django_db(transaction=True)
db = database_sync_to_async


@pytest.fixture
def groups(monkeypatch):
    """The members of each group, as the process asked the channel layer (whichever it is:
    in-memory, Redis core or pub/sub) to add and discard them."""
    layer = get_channel_layer()
    members: dict[str, set[str]] = {}
    add, discard = layer.group_add, layer.group_discard

    async def group_add(group, channel):
        await add(group, channel)
        members.setdefault(group, set()).add(channel)

    async def group_discard(group, channel):
        await discard(group, channel)
        members.get(group, set()).discard(channel)

    monkeypatch.setattr(layer, "group_add", group_add)
    monkeypatch.setattr(layer, "group_discard", group_discard)
    return lambda group: members.get(group, set())


async def test_two_pages_of_one_process_make_one_member_of_the_club_group(
    member, author, club, make_thread, groups
):
    thread = await db(make_thread)(club, author)
    stream = after_commit.group_name("club", club.pk)
    seq = await db(event_log.current_seq)(stream)
    first, second = await subscribed(member, club, after=seq), await subscribed(author, club)
    assert groups(stream) == {hub.hub().channel}

    post = await db(actions.post_reply)(author=author, thread=thread, source="Pour vous deux.")
    for socket in (first, second):
        frame = await next_event(socket)
        assert (frame["event"], frame["post"]) == ("post.created", post.pk)
        assert await socket.receive_nothing(timeout=0.2)  # once, not once per page
    await first.disconnect()
    assert groups(stream) == {hub.hub().channel}
    await second.disconnect()
    assert groups(stream) == set()
    assert hub.hub().tasks == [] and hub.hub().channel is None


async def test_a_page_that_unsubscribes_gets_no_more_of_the_stream(
    member, author, club, make_thread
):
    thread = await db(make_thread)(club, author)
    staying, leaving = await subscribed(author, club), await subscribed(member, club)
    await leaving.send_json_to({"type": "unsubscribe", "stream": f"club.{club.pk}"})
    assert (await leaving.receive_json_from())["type"] == "unsubscribed"
    await db(actions.post_reply)(author=author, thread=thread, source="Après le départ.")
    assert (await next_event(staying))["event"] == "post.created"
    assert await leaving.receive_nothing(timeout=0.3)
    await staying.disconnect()
    await leaving.disconnect()


class Page:
    """A page as the hub sees it: it notes the texts it is sent."""

    def __init__(self):
        self.texts: list[str] = []

    async def send(self, text_data: str) -> None:
        self.texts.append(text_data)

    async def stream_ephemeral(self, message: dict) -> None:
        self.texts.append(message["frame"]["type"])


def event(stream: str, seq: int) -> dict:
    return {"type": "stream.event", "stream": stream, "seq": seq, "text": f"événement {seq}"}


async def test_live_events_wait_for_the_replay_and_come_after_it_without_duplicates():
    stream_hub = hub.StreamHub(get_channel_layer())
    page = Page()
    await stream_hub.join("club.1", page)
    for seq in (5, 6, 7):  # arrive while the page's replay (up to 6) is being sent
        await stream_hub._relay(event("club.1", seq))
    assert page.texts == []
    await stream_hub.release("club.1", page, replayed_up_to=6)
    assert page.texts == ["événement 7"]
    await stream_hub._relay(event("club.1", 8))
    assert page.texts == ["événement 7", "événement 8"]
    await stream_hub.leave("club.1", page)


@pytest.fixture
def quick_heartbeat(monkeypatch):
    monkeypatch.setattr(hub, "HEARTBEAT_SECONDS", 0.05)


async def wait_until(condition, seconds: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.02)


class LayerDown:
    """The channel layer out of reach: sending raises, as channels_redis does then."""

    def __init__(self, monkeypatch, layer):
        self.monkeypatch, self.layer, self.send = monkeypatch, layer, layer.send

    def __enter__(self):
        async def refused(*args, **kwargs):
            raise ConnectionError("Redis injoignable")

        self.monkeypatch.setattr(self.layer, "send", refused)
        self.monkeypatch.setattr(self.layer, "group_send", refused)

    def __exit__(self, *exc):
        self.monkeypatch.undo()


async def test_posts_made_while_the_layer_is_lost_reach_the_page_once_it_is_back(
    member, author, club, make_thread, quick_heartbeat, monkeypatch
):
    thread = await db(make_thread)(club, author)
    stream = after_commit.group_name("club", club.pk)
    socket = await subscribed(member, club, after=await db(event_log.current_seq)(stream))
    stream_hub = hub.hub()
    with LayerDown(monkeypatch, get_channel_layer()):
        await wait_until(lambda: stream_hub.lost)
        made = [
            await db(actions.post_reply)(author=author, thread=thread, source=f"Pendant {n}")
            for n in range(2)
        ]
        assert await socket.receive_nothing(timeout=0.2)  # saved, logged, not delivered
    frames = [await next_event(socket), await next_event(socket)]
    assert [f["post"] for f in frames] == [post.pk for post in made]
    assert frames[1]["seq"] == frames[0]["seq"] + 1
    assert not stream_hub.lost
    await socket.disconnect()


async def test_too_much_missed_while_the_layer_was_lost_asks_the_page_to_reload(
    member, author, club, make_thread, quick_heartbeat, monkeypatch, settings
):
    settings.LIVE_CATCH_UP_MAX = 1
    thread = await db(make_thread)(club, author)
    stream = after_commit.group_name("club", club.pk)
    socket = await subscribed(member, club, after=await db(event_log.current_seq)(stream))
    with LayerDown(monkeypatch, get_channel_layer()):
        await wait_until(lambda: hub.hub().lost)
        for n in range(3):
            await db(actions.post_reply)(author=author, thread=thread, source=f"Pendant {n}")
    resync = await socket.receive_json_from(timeout=5)
    assert resync == {
        "type": "resync",
        "stream": stream,
        "seq": await db(event_log.current_seq)(stream),
    }
    await socket.disconnect()


async def test_typing_reaches_the_other_pages_of_the_process_through_the_hub(
    member, author, club, make_thread
):
    thread = await db(make_thread)(club, author)
    writer, reader = await subscribed(author, club), await subscribed(member, club)
    await writer.send_json_to({"type": "typing", "thread": thread.pk})
    frame = await reader.receive_json_from(timeout=5)
    assert (frame["type"], frame["thread"], frame["user"]) == ("typing", thread.pk, author.pk)
    assert await writer.receive_nothing(timeout=0.2)  # not echoed to its writer
    await writer.disconnect()
    await reader.disconnect()


async def test_a_page_still_gets_its_personal_stream_on_its_own_channel(member, club, groups):
    socket = await subscribed(member, club)
    await socket.send_json_to({"type": "subscribe", "stream": f"user.{member.pk}"})
    assert (await socket.receive_json_from())["type"] == "subscribed"
    personal = groups(f"user.{member.pk}")
    assert len(personal) == 1 and hub.hub().channel not in personal
    assert groups(f"club.{club.pk}") == {hub.hub().channel}
    await socket.disconnect()


async def test_a_subscription_the_layer_refuses_is_an_error_and_leaves_nothing_behind(
    member, club, monkeypatch
):
    async def refused(*args, **kwargs):
        raise ConnectionError("Redis injoignable")

    socket = await open_socket(member)
    monkeypatch.setattr(get_channel_layer(), "group_add", refused)
    await socket.send_json_to({"type": "subscribe", "stream": f"club.{club.pk}"})
    answer = await socket.receive_json_from()
    assert answer == {"type": "error", "reason": "erreur du serveur, réessayez"}
    stream_hub = hub.hub()
    assert stream_hub.readers == {} and stream_hub.held == {} and stream_hub.tasks == []
    await socket.disconnect()
