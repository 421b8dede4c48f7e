"""A member using a real server over HTTP and websocket, as a browser would."""

import asyncio
import concurrent.futures
import json
import random
import re
import ssl
import time
import uuid

import requests
import websockets
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from websockets.typing import Origin


class LoopbackSession(requests.Session):
    """Sends every cookie it holds, `Secure` ones too: the tests talk to one server on
    127.0.0.1 over plain HTTP, where production has its TLS proxy (a server running with DEBUG=0
    marks its cookies Secure)."""

    def prepare_request(self, request):
        prepared = super().prepare_request(request)
        if self.cookies:
            prepared.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        return prepared


class Member:
    """A member logged in through the login form (and the second factor's, given its secret).
    Over HTTPS, `verify` is the certificate to trust."""

    def __init__(
        self, base_url: str, email: str, password: str, *, verify: str = "", totp_secret: str = ""
    ):
        self.base_url = base_url
        self.session = LoopbackSession()
        if verify:
            self.session.verify = verify
            self.session.trust_env = False  # else REQUESTS_CA_BUNDLE would win over `verify`
        self.post_form("/comptes/login/", {"login": email, "password": password})
        if totp_secret:
            self.post_form("/comptes/2fa/authenticate/", {"code": totp_code(totp_secret)})
        assert "sessionid" in self.session.cookies, f"{email} could not log in"
        assert self.get("/").url == f"{base_url}/", f"{email} is not logged in"

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=10)

    def post_form(self, path: str, data: dict) -> requests.Response:
        """Fill and send the form of the page at `path`, as the browser would."""
        page = self.get(path)
        response = self.session.post(
            self.base_url + path,
            data={"csrfmiddlewaretoken": csrf_of(page), **data},
            headers={"Referer": self.base_url + path},
            timeout=10,
        )
        response.raise_for_status()
        return response

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)

    def websocket(self, base_url: str | None = None):
        """The live websocket of a page served by `base_url` (this member's server by default),
        from that page's origin."""
        origin = base_url or self.base_url
        url = origin.replace("http", "ws", 1) + "/ws/live/"
        context = None
        if url.startswith("wss://"):
            verify = self.session.verify
            context = ssl.create_default_context(cafile=verify if isinstance(verify, str) else None)
        return websockets.connect(
            url, additional_headers={"Cookie": self.cookie()}, origin=Origin(origin), ssl=context
        )


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now."""
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def csrf_of(page: requests.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


async def receive_until(socket, predicate, timeout: float = 5.0) -> dict:
    """The first frame that matches, within the time limit."""

    async def wait():
        while True:
            frame = json.loads(await socket.recv())
            if predicate(frame):
                return frame

    return await asyncio.wait_for(wait(), timeout)


def run_async(coroutine):
    """Run a coroutine to its end in a thread of its own: the test's thread may already have an
    event loop running (Playwright's, when the browser tests ran first in the same session)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class ReconnectingClient:
    """What static/js/live.js does, in Python: one websocket, reconnected with back-off and
    jitter; on each connection, every stream is subscribed again with `after` = the last `seq`
    applied; an event already applied (by `seq`) is dropped; a gap asks for a replay."""

    def __init__(self, connect, streams: list[str], *, give_up_after: float = 90):
        self.connect = connect  # a new websocket connection each time it is called
        self.last_seq: dict[str, int | None] = dict.fromkeys(streams)
        self.give_up_at = time.monotonic() + give_up_after
        self.connections = 0
        self.failures: list[str] = []  # why each connection ended or could not open
        self.delivered_posts: list[int] = []  # every post.created that arrived, duplicates too
        self.applied_posts: list[int] = []  # the post.created events applied, in order
        self.resyncs: list[dict] = []
        self.subscribed = asyncio.Event()
        self.stopping = False
        self.fatal_close: int | None = None

    def saw(self, post_id: int) -> int:
        return self.applied_posts.count(post_id)

    async def run(self) -> None:
        delay = 0.25
        while not self.stopping and time.monotonic() < self.give_up_at:
            try:
                async with self.connect() as socket:
                    hello = json.loads(await asyncio.wait_for(socket.recv(), 5))
                    assert hello["type"] == "hello", hello
                    self.connections += 1
                    delay = 0.25
                    for stream, seq in self.last_seq.items():
                        await self.subscribe(socket, stream, seq)
                    async for text in socket:
                        await self.handle(socket, json.loads(text))
                    self.failures.append(f"fermée : {socket.close_code}")
                    if socket.close_code in {4401, 4403}:  # the protocol says: do not retry
                        self.fatal_close = socket.close_code
                        return
            except asyncio.CancelledError:
                raise
            except Exception as error:  # refused, reset, handshake failed: try again later
                self.failures.append(f"{type(error).__name__}: {error}"[:200])
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 2.0)  # the page caps at 30 s; a test cannot wait that long

    async def subscribe(self, socket, stream: str, seq: int | None) -> None:
        frame: dict[str, object] = {"type": "subscribe", "stream": stream}
        if seq is not None:
            frame["after"] = seq
        await socket.send(json.dumps(frame))

    async def handle(self, socket, frame: dict) -> None:
        kind, stream = frame.get("type"), frame.get("stream", "")
        if kind == "subscribed":
            if self.last_seq[stream] is None:  # a fresh page starts from the current number
                self.last_seq[stream] = frame["seq"]
            self.subscribed.set()
        elif kind == "resync":
            self.resyncs.append(frame)
            self.last_seq[stream] = frame["seq"]
        elif kind == "event":
            if frame.get("event") == "post.created":
                self.delivered_posts.append(frame["post"])
            last = self.last_seq[stream]
            if last is not None and frame["seq"] <= last:
                return  # replay and live delivery overlapped: already applied
            if last is not None and frame["seq"] > last + 1:
                await self.subscribe(socket, stream, last)  # a gap: ask for what is missing
                return
            self.last_seq[stream] = frame["seq"]
            if frame.get("event") == "post.created":
                self.applied_posts.append(frame["post"])


# --- A thread, and replies as the browser sends them --------------------------------------------

CLUB_PATH = "/clubs/secretaires-de-mairie/"


def thread_and_club(member: Member) -> tuple[str, int]:
    page = member.get(CLUB_PATH)
    assert page.status_code == 200, page.status_code
    # A thread read before is linked at the reader's place (#premier-non-lu, #message-…).
    thread_link = r'href="(/clubs/secretaires-de-mairie/fils/\d+/)(?:#[^"]*)?"'
    thread_path = re.search(thread_link, page.text)
    club_id = re.search(r'data-thread-list="club\.(\d+)"', page.text)
    assert thread_path and club_id, "the club page lists no thread"
    return thread_path.group(1), int(club_id.group(1))


def reply_over_http(member: Member, thread_path: str, text: str, *, client_id: str = ""):
    """The thread page's reply form, filled and sent as the browser does (without JavaScript,
    hence no redirect followed here: the answer's Location names the new post). The same
    `client_id` again is the same reply sent again."""
    page = member.get(thread_path)
    page.raise_for_status()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*data-live-reply', page.text)
    assert form, "no reply form on the thread page"
    return member.session.post(
        member.base_url + form.group(1),
        data={
            "csrfmiddlewaretoken": csrf_of(page),
            "source": text,
            "client_id": client_id or uuid.uuid4().hex,
        },
        headers={"Referer": member.base_url + thread_path},
        allow_redirects=False,
        timeout=20,
    )


def post_id_of(answer) -> int:
    """The new post's id, from the redirect to the thread (…#message-<id>)."""
    assert answer.status_code == 302, answer.status_code
    found = re.search(r"#message-(\d+)$", answer.headers["Location"])
    assert found, answer.headers["Location"]
    return int(found.group(1))
