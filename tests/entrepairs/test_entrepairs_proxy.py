"""The client's address and scheme come from the reverse proxy only when the proxy is trusted
(TRUSTED_PROXIES): anyone else who sends X-Forwarded-For is ignored, and every limit per address
(allauth's, the invitation links) reads that one value."""

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIRequest

from entrepairs.proxy import TrustedProxyMiddleware, forwarded_scope, trusted_networks


def scope_from(peer: str, *headers: tuple[str, str], kind: str = "http") -> dict:
    return {
        "type": kind,
        "scheme": "http" if kind == "http" else "ws",
        "method": "GET",
        "path": "/",
        "query_string": b"",
        "client": (peer, 51000),
        "headers": [(b"host", b"127.0.0.1")]
        + [(name.encode(), value.encode()) for name, value in headers],
    }


def request_seen(scope: dict) -> ASGIRequest:
    """The request Django builds from what the middleware hands on."""
    return ASGIRequest(forwarded_scope(scope), io.BytesIO())


FORGED = ("X-Forwarded-For", "1.2.3.4")


def test_a_trusted_proxy_names_the_client_and_allauth_counts_that_client():
    request = request_seen(scope_from("127.0.0.1", FORGED, ("X-Forwarded-Proto", "https")))
    assert request.META["REMOTE_ADDR"] == "1.2.3.4"
    assert get_adapter().get_client_ip(request) == "1.2.3.4"
    assert request.scheme == "https"


def test_an_untrusted_peer_cannot_name_another_client():
    request = request_seen(scope_from("203.0.113.9", FORGED))
    assert request.META["REMOTE_ADDR"] == "203.0.113.9"
    assert get_adapter().get_client_ip(request) == "203.0.113.9"
    assert "HTTP_X_FORWARDED_FOR" not in request.META


def test_an_untrusted_peer_cannot_claim_https_even_with_the_proxy_ssl_header(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = request_seen(scope_from("203.0.113.9", ("X-Forwarded-Proto", "https")))
    assert request.scheme == "http"
    assert not request.is_secure()


def test_the_entry_the_trusted_proxy_appended_counts_not_the_one_the_client_wrote():
    request = request_seen(scope_from("127.0.0.1", ("X-Forwarded-For", "1.2.3.4, 198.51.100.7")))
    assert request.META["REMOTE_ADDR"] == "198.51.100.7"


def test_a_forwarded_value_that_is_no_address_leaves_the_peer():
    request = request_seen(scope_from("127.0.0.1", ("X-Forwarded-For", "inconnu")))
    assert request.META["REMOTE_ADDR"] == "127.0.0.1"


def test_proxies_may_be_trusted_by_network_and_seen_as_ipv4_mapped_addresses(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert request_seen(scope_from("::ffff:10.1.2.3", FORGED)).META["REMOTE_ADDR"] == "1.2.3.4"
    assert request_seen(scope_from("127.0.0.1", FORGED)).META["REMOTE_ADDR"] == "127.0.0.1"


def test_with_no_trusted_proxy_nobody_names_another_client(settings):
    settings.TRUSTED_PROXIES = []
    assert request_seen(scope_from("127.0.0.1", FORGED)).META["REMOTE_ADDR"] == "127.0.0.1"


def test_a_websocket_through_the_trusted_proxy_gets_the_client_and_wss():
    seen = {}

    async def application(scope, receive, send):
        seen.update(scope)

    middleware = TrustedProxyMiddleware(application)
    scope = scope_from("::1", FORGED, ("X-Forwarded-Proto", "https"), kind="websocket")
    # In a thread of its own: a browser test of the same worker may keep a loop running here.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, middleware(scope, None, None)).result()
    assert seen["client"] == ("1.2.3.4", 0)
    assert seen["scheme"] == "wss"


def test_a_trusted_proxy_that_is_no_address_stops_the_start_with_a_french_message():
    with pytest.raises(ImproperlyConfigured, match="n'est ni une adresse IP ni un réseau"):
        trusted_networks(("nginx.local",))
