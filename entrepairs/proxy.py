"""Who the client is, as the reverse proxy saw it: believed only from the proxy itself.

daphne hands the application the address of the peer that opened the connection; behind nginx,
that peer is nginx. nginx says who its client was in `X-Forwarded-For` and which scheme it used
in `X-Forwarded-Proto` (deploy/nginx.conf overwrites both), but any client can send the same
headers. This middleware believes them only when the peer is in `TRUSTED_PROXIES`: then the
client's address becomes scope["client"] (Django's REMOTE_ADDR) and its scheme scope["scheme"].
From any other peer the forwarding headers are dropped, so that nothing further in (Django's
`SECURE_PROXY_SSL_HEADER`, allauth, a log) can read a forged value.

Every limit per address (allauth's `ACCOUNT_RATE_LIMITS`, the invitation links) reads
REMOTE_ADDR, hence this one value.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Headers that speak for the client; only a trusted proxy may send them on.
FORWARDING_HEADERS = frozenset(
    {
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-port",
        b"x-forwarded-proto",
        b"x-real-ip",
    }
)
SCHEMES = {
    "http": {"http": "http", "https": "https"},
    "websocket": {"http": "ws", "https": "wss"},
}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of `TRUSTED_PROXIES` (addresses or CIDR ranges)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES : « {entry} » n'est ni une adresse IP ni un réseau "
                "(par exemple 127.0.0.1 ou 10.0.0.0/8)."
            ) from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None
    # A daphne listening on "::" sees IPv4 peers as ::ffff:127.0.0.1.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(peer: str | None) -> bool:
    address = _address(peer) if peer else None
    if address is None:
        return False
    return any(address in network for network in trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def _last_value(headers: list, name: bytes) -> str | None:
    """The last entry of the last such header: the one the trusted proxy wrote, even when it
    appends to what its own client sent."""
    values = [value for key, value in headers if key.lower() == name]
    if not values:
        return None
    return values[-1].decode("latin-1").rsplit(",", 1)[-1].strip()


def forwarded_scope(scope: dict) -> dict:
    """The scope as the application must see it: the proxy's word taken for the client and the
    scheme when the peer is a trusted proxy, and the forwarding headers dropped otherwise."""
    headers = list(scope.get("headers") or [])
    peer = (scope.get("client") or (None,))[0]
    if not is_trusted_proxy(peer):
        kept = [(key, value) for key, value in headers if key.lower() not in FORWARDING_HEADERS]
        return {**scope, "headers": kept}
    changed: dict[str, object] = {}
    client = _address(_last_value(headers, b"x-forwarded-for") or "")
    if client is not None:
        changed["client"] = (str(client), 0)
    proto = (_last_value(headers, b"x-forwarded-proto") or "").lower()
    scheme = SCHEMES[scope["type"]].get(proto)
    if scheme:
        changed["scheme"] = scheme
    return {**scope, **changed}


class TrustedProxyMiddleware:
    """ASGI middleware around the whole application (HTTP and websockets)."""

    def __init__(self, application):
        self.application = application
        trusted_networks(tuple(settings.TRUSTED_PROXIES))  # a bad setting stops the start

    async def __call__(self, scope, receive, send):
        if scope["type"] in SCHEMES:
            scope = forwarded_scope(scope)
        return await self.application(scope, receive, send)
