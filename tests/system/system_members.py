"""A member using a real server over HTTP and websocket, as a browser would."""

import asyncio
import concurrent.futures
import json
import re

import requests
import websockets
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
    def __init__(self, base_url: str, email: str, password: str):
        self.base_url = base_url
        self.session = LoopbackSession()
        page = self.session.get(f"{base_url}/comptes/login/", timeout=10)
        response = self.session.post(
            f"{base_url}/comptes/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": csrf_of(page)},
            headers={"Referer": f"{base_url}/comptes/login/"},
            timeout=10,
        )
        response.raise_for_status()
        assert "sessionid" in self.session.cookies, f"{email} could not log in"

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=10)

    def post_form(self, path: str, data: dict) -> requests.Response:
        """Fill and send the form of the page at `path`, as the browser would."""
        page = self.get(path)
        return self.session.post(
            self.base_url + path,
            data={"csrfmiddlewaretoken": csrf_of(page), **data},
            headers={"Referer": self.base_url + path},
            timeout=10,
        )

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)

    def websocket(self, base_url: str | None = None):
        """The live websocket of a page served by `base_url` (this member's server by default),
        from that page's origin."""
        origin = base_url or self.base_url
        url = origin.replace("http://", "ws://") + "/ws/live/"
        return websockets.connect(
            url, additional_headers={"Cookie": self.cookie()}, origin=Origin(origin)
        )


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
