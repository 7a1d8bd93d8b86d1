"""The client's address, the same for login throttling, rate limits and logs.

Behind a reverse proxy, ``REMOTE_ADDR`` is the proxy's address: every client would share one
lock-out key. ``TELETRAVAIL_TRUSTED_PROXY_COUNT`` (setting ``TELETRAVAIL_TRUSTED_PROXY_COUNT``,
default 0) says how many proxies of our own stand in front of the application; the client is then
the address that the outermost of them appended to ``X-Forwarded-For`` (counted from the right, so a
client cannot choose it by sending its own header).

An IPv4 client seen as an IPv4-mapped IPv6 address is given as its IPv4 address: otherwise every
IPv4 client would share one /64 in the submission limits (``teletravail.web.api_routes.limits``).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    """The address as text, an IPv4-mapped IPv6 address (``::ffff:a.b.c.d``, what a socket
    listening on ``::`` gives for an IPv4 client) as its IPv4 address; None when not an address."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(parsed)


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as text (``"0.0.0.0"`` when none can be read)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"
    count = int(getattr(settings, "TELETRAVAIL_TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < count:
        # Fewer hops than configured: the request did not come through all our proxies.
        return remote
    return _valid(forwarded[-count]) or remote
