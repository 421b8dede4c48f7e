"""Websockets open only from the site's own pages.

A page of another site could otherwise open the live websocket with a member's cookie and read
their clubs (cross-site websocket hijacking). A browser names the page's origin — scheme, host
and port — in every websocket handshake; it must be one of the site's own, judged as Django's
CSRF check judges the origin of a form:

- the origin of the request itself: its scheme (wss: is https, as entrepairs.proxy found it) and
  its Host header, which must be one of ALLOWED_HOSTS;
- SITE_URL, the site's public address;
- one of CSRF_TRUSTED_ORIGINS (`https://*.example.org` for every subdomain, as in Django).

The same host on another port, or http: for an https: site, is another origin and is refused.
A handshake without Origin is refused too: every browser sends one, and a page that does not
is no page of the site.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin or an address, the port made explicit; None if it is
    not an http(s) origin."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _allowed_hosts() -> list[str]:
    # As Django's HttpRequest.get_host: in development with no ALLOWED_HOSTS, the local names.
    if settings.DEBUG and not settings.ALLOWED_HOSTS:
        return [".localhost", "127.0.0.1", "[::1]"]
    return settings.ALLOWED_HOSTS


def own_origin(scope: dict) -> tuple[str, str, int] | None:
    """The origin the request was addressed to, if its Host is one the site serves."""
    host = _header(scope, b"host")
    domain, _port = split_domain_port(host or "")
    if not domain or not validate_host(domain, _allowed_hosts()):
        return None
    scheme = "https" if scope.get("scheme") in {"wss", "https"} else "http"
    return _origin(f"{scheme}://{host}")


def is_site_origin(origin: str | None, scope: dict) -> bool:
    parsed = _origin(origin) if origin else None
    if origin is None or parsed is None:
        return False
    trusted = [own_origin(scope), _origin(settings.SITE_URL)]
    exact = [entry for entry in settings.CSRF_TRUSTED_ORIGINS if "*" not in entry]
    if parsed in trusted + [_origin(entry) for entry in exact]:
        return True
    netloc = urlsplit(origin).netloc
    wildcards = [urlsplit(entry) for entry in settings.CSRF_TRUSTED_ORIGINS if "*" in entry]
    return any(
        entry.scheme == parsed[0] and is_same_domain(netloc, entry.netloc.lstrip("*"))
        for entry in wildcards
    )


class SiteOriginValidator:
    """ASGI middleware for websockets: the handshake goes on only from the site's own origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if is_site_origin(_header(scope, b"origin"), scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
