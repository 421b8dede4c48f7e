"""Random frames against the live socket: whatever a page sends, the server answers with a JSON
frame (or, for `typing` and `viewing`, with nothing), the connection stays up and nothing is
logged as an error."""

import asyncio
import json
import logging

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from live_sessions import page_socket, session_cookie

from messaging import frames

pytestmark = pytest.mark.django_db(transaction=True)

FUZZ = hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # no .hypothesis folder left in the project
)

# What the server may answer to a frame, besides what the page's subscriptions bring.
ANSWERS = {"error", "pong", "subscribed", "unsubscribed", "resync", "ack", "read"}
UNSOLICITED = {"event", "typing", "presence"}
SILENT_WHEN_ACCEPTED = {"typing", "viewing"}

# --- Strategies ---------------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
field_values = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-5, max_value=60)
    | st.sampled_from([-1, 0, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1])
    | st.floats(allow_nan=False)
    | st.text(max_size=80)
    | st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "x" * 65, "x" * 41])
    | st.sampled_from(["club.1", "club.²", "club.٣", "club.01", "club.-1", "club." + "9" * 35])
    | st.lists(st.integers() | st.text(max_size=5), max_size=3)
    | st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)
)
raw_text = st.text(min_size=1, max_size=200).filter(lambda text: not _is_json(text))

FIELDS_OF = {  # the fields each frame type reads (docs/realtime.md)
    "ping": ["id"],
    "subscribe": ["stream", "after"],
    "unsubscribe": ["stream"],
    "post": ["thread", "client_id", "source"],
    "typing": ["thread"],
    "read": ["thread", "post"],
    "viewing": ["thread"],
}
assert set(FIELDS_OF) == set(frames.HANDLERS)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def typed_frames(known: dict):
    """Frames of the real types: each of the type's fields present or not, a real value (a
    thread, a post, a stream the member follows) or a random one; and random extra fields."""
    values = st.sampled_from(sorted(set(known.values()), key=str)) | field_values

    def frames_of(kind):
        return st.builds(
            lambda extra, fields: {**extra, **fields, "type": kind},
            st.dictionaries(st.text(max_size=8), field_values, max_size=2),
            st.fixed_dictionaries({}, optional={field: values for field in FIELDS_OF[kind]}),
        )

    return st.sampled_from(sorted(FIELDS_OF)).flatmap(frames_of)


# --- The socket ---------------------------------------------------------------------------------


def logged_in_cookie(user) -> bytes:
    return session_cookie(user)


async def exchange(cookie: bytes, text: str) -> list[dict]:
    """Send one frame on a fresh connection, then a ping: the frames that came before the pong
    (the pong proves that the connection is still up and still reading)."""
    socket = page_socket(cookie)
    connected, _ = await socket.connect(timeout=5)
    assert connected
    assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    try:
        await socket.send_to(text_data=text)
        await socket.send_json_to({"type": "ping", "id": "encore là ?"})
        frames: list[dict] = []
        while True:
            output = await socket.receive_output(timeout=5)
            assert output["type"] == "websocket.send", (text, output)  # not closed
            output["text"].encode("utf-8")  # what daphne does before sending it
            frame = json.loads(output["text"])
            assert isinstance(frame, dict) and isinstance(frame.get("type"), str), frame
            if frame == {"type": "pong", "id": "encore là ?"}:
                return frames
            frames.append(frame)
    finally:
        await socket.disconnect()


def check_answer(text: str, frames: list[dict]) -> None:
    """One answer of a known type (none for an accepted typing or viewing), and never the
    answer of an unexpected server error."""
    answers = [frame for frame in frames if frame["type"] not in UNSOLICITED]
    assert all(frame["type"] in ANSWERS for frame in answers), (text, frames)
    assert len([f for f in answers if f["type"] != "resync"]) <= 1, (text, frames)
    for frame in answers:
        if frame["type"] == "error":
            assert isinstance(frame["reason"], str) and frame["reason"], frame
            assert frame["reason"] != "erreur du serveur, réessayez", (text, frame)
    try:
        sent = json.loads(text)
    except (ValueError, RecursionError):
        sent = None
    kind = sent.get("type") if isinstance(sent, dict) else None
    if kind in SILENT_WHEN_ACCEPTED:
        assert [f["type"] for f in answers] in ([], ["error"]), (text, frames)
    else:
        assert answers, f"no answer to {text!r}: {frames}"


class Target:
    """A member of a club with a thread and a post, logged in; `send` checks one frame."""

    def __init__(self, cookie: bytes, known: dict, caplog):
        self.cookie, self.known, self.caplog = cookie, known, caplog

    def answers(self, text: str) -> list[dict]:
        return asyncio.run(exchange(self.cookie, text))

    def send(self, text: str) -> None:
        already = len(self.caplog.records)
        check_answer(text, self.answers(text))
        errors = [
            record
            for record in self.caplog.records[already:]
            if record.name.startswith("messaging") and record.levelno >= logging.ERROR
        ]
        assert not errors, (text, [record.getMessage() for record in errors])


@pytest.fixture
def target(member, author, club, make_thread, make_post, caplog, settings):
    settings.LIVE_TYPING_INTERVAL = 0  # every typing frame is handled, none dropped
    caplog.set_level(logging.INFO, logger="messaging")
    thread = make_thread(club, author)
    post = make_post(thread, author)
    known = {
        "thread": thread.pk,
        "post": post.pk,
        "stream": f"club.{club.pk}",
        "user_stream": f"user.{member.pk}",
        "client_id": "fuzz",
        "source": "Une réponse",
    }
    return Target(logged_in_cookie(member), known, caplog)


def test_the_checker_sees_the_real_answers_to_real_frames(target):
    known = target.known
    frames = target.answers(
        json.dumps({"type": "subscribe", "stream": known["stream"], "after": 0})
    )
    assert frames[0] == {"type": "subscribed", "stream": known["stream"], "seq": 3}
    assert [f["event"] for f in frames[1:]] == ["thread.created", "post.created", "post.created"]
    post = {"type": "post", "thread": known["thread"], "client_id": "c1", "source": "Bonjour"}
    assert [f["type"] for f in target.answers(json.dumps(post))] == ["ack"]
    read = {"type": "read", "thread": known["thread"], "post": known["post"]}
    assert target.answers(json.dumps(read)) == [read]
    for kind in ("typing", "viewing"):
        assert target.answers(json.dumps({"type": kind, "thread": known["thread"]})) == []
    for frame in (post, read, {"type": "ping"}, {"type": "unsubscribe", "stream": "club.1"}):
        target.send(json.dumps(frame))


def test_any_json_value_gets_an_answer_and_the_connection_stays_up(target):
    @FUZZ
    @given(json_values)
    def check(value):
        target.send(json.dumps(value))

    check()


def test_frames_of_every_type_with_random_fields_get_an_answer(target):
    @FUZZ
    @given(typed_frames(target.known))
    def check(frame):
        target.send(json.dumps(frame))

    check()


def test_text_that_is_not_json_gets_an_error(target):
    @hypothesis_settings(parent=FUZZ, max_examples=60)
    @given(raw_text)
    def check(text):
        target.send(text)

    check()


@pytest.mark.parametrize(
    "text",
    [
        "[" * 30_000 + "]" * 30_000,
        '{"type": "ping", "id": ' + "[" * 20_000 + "]" * 20_000 + "}",
        '{"type": "ping", "id": ' + "9" * 5000 + "}",
        '{"type": "ping", "id": NaN}',
        '{"type": "ping", "id": "\\ud800 \ud800"}',
        '{"type": "\ud800"}',
        '{"type": "unsubscribe", "stream": "\udfff"}',
        '{"type": "subscribe", "stream": "club.1", "after": 1e400}',
        '{"type": "subscribe", "stream": "club.\u0000"}',
        '{"type": "subscribe", "stream": "club.\u00b2"}',
        '{"type": "subscribe", "stream": "club.\u0663"}',
        '{"type": "subscribe", "stream": "club.99999999999999999999999999999999999"}',
        '{"type": "post", "thread": THREAD, "client_id": "a\u0000", "source": "b"}',
        '{"type": "post", "thread": THREAD, "client_id": "a", "source": "nul \u0000 ici"}',
        '{"type": "post", "thread": THREAD, "client_id": "a", "source": "\ud800"}',
        '{"type": "post", "thread": 18446744073709551616, "client_id": "a", "source": "b"}',
        '{"type": "read", "thread": THREAD, "post": 18446744073709551616}',
        '{"type": "read", "thread": THREAD, "post": 9223372036854775807}',
        '{"type": "typing", "thread": 18446744073709551616}',
        '{"type": "viewing", "thread": 9223372036854775808}',
    ],
)
def test_frames_at_the_edges_get_an_answer(target, text):
    target.send(text.replace("THREAD", str(target.known["thread"])))


def test_a_read_position_cannot_leap_past_the_thread_s_posts(target, member):
    from messaging.models import ReadState

    known = target.known
    answer = target.answers(json.dumps({"type": "read", "thread": known["thread"], "post": 2**62}))
    assert answer == [{"type": "error", "reason": "message introuvable"}]
    state = ReadState.objects.filter(user=member, thread_id=known["thread"]).first()
    assert state is None or state.last_read_post_id <= known["post"]


def test_a_stream_not_written_as_the_server_writes_it_is_refused(target):
    club_id = target.known["stream"].split(".")[1]
    digits = club_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for stream in (f"club.0{club_id}", f"club.+{club_id}", f"club. {club_id}", f"club.{digits}"):
        answer = target.answers(json.dumps({"type": "subscribe", "stream": stream}))
        assert answer == [{"type": "error", "reason": "flux introuvable"}], stream
