"""Limits on anonymous submissions: per client and public link, and per link, per minute.

The same counters serve the API (``POST /api/v1/enquetes/{jeton}/reponses``) and the form of the
public link (:func:`teletravail.web.surveys.formpage.page`, valid sendings only): a client cannot
double its allowance by using both.

Counters are fixed one-minute windows kept in Django's cache ``limites`` (the database cache,
table ``teletravail_limites``, created by ``teletravail serve`` / ``createcachetable``): shared by
every gunicorn worker and every server using the same database. A counter is created by
``cache.add`` and then incremented by ``cache.incr`` (a read then a write, not atomic: requests
racing on one counter may count once for two, so a limit may be passed by a few requests).

Settings (integers, per minute; 0 disables the limit):

- ``TELETRAVAIL_SURVEY_RATE_PER_CLIENT`` (default 60): submissions to one link from one client
  address (:func:`teletravail.web.client_ip.client_ip`; an IPv6 address counts for its /64, which
  one subscriber usually holds whole). 60 a minute leaves room for a whole office answering
  behind one address, and for an interviewer's application sending its saved answers at once;
- ``TELETRAVAIL_SURVEY_RATE_PER_LINK`` (default 1200): submissions to one link from all
  clients, 20 a second: far above a campaign's peak, it bounds the growth of the database during
  an attack from many addresses.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest

from teletravail.web.client_ip import client_ip

WINDOW_SECONDS = 60
CACHE_ALIAS = "limites"
DEFAULT_PER_CLIENT = 60
DEFAULT_PER_LINK = 1200


@dataclass(frozen=True, slots=True)
class Refusal:
    """A limit reached: ``retry_after`` seconds until the window ends, ``message`` in French."""

    retry_after: int
    message: str


def _now() -> float:
    """Seconds since the epoch (a function of its own so that tests can hold a window still)."""
    return time.time()


def _cache() -> BaseCache:
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:  # settings without the alias (a derived settings module)
        return caches["default"]


def _client_key(request: HttpRequest) -> str:
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _count(cache: BaseCache, key: str) -> int:
    """The counter ``key`` of this window after adding one (``incr`` first: one read and one
    write when the counter exists, the usual case)."""
    for _attempt in range(2):
        try:
            return int(cache.incr(key))
        except ValueError:  # no counter yet in this window
            if cache.add(key, 1, timeout=WINDOW_SECONDS * 2):
                return 1
    return 1


def check_submission_rate(request: HttpRequest, token: str) -> Refusal | None:
    """Count one submission to the link ``token`` from the request's client; a Refusal when a
    limit of this minute is already reached (the refused request is counted too)."""
    per_client = _limit("TELETRAVAIL_SURVEY_RATE_PER_CLIENT", DEFAULT_PER_CLIENT)
    per_link = _limit("TELETRAVAIL_SURVEY_RATE_PER_LINK", DEFAULT_PER_LINK)
    if per_client <= 0 and per_link <= 0:
        return None
    now = _now()
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, WINDOW_SECONDS - int(now % WINDOW_SECONDS))
    link = hashlib.blake2b(token.encode(), digest_size=12).hexdigest()
    cache = _cache()
    if per_client > 0:
        client = hashlib.blake2b(_client_key(request).encode(), digest_size=12).hexdigest()
        if _count(cache, f"enquete:{link}:{client}:{window}") > per_client:
            return Refusal(
                retry_after,
                f"Trop de réponses envoyées depuis votre adresse à cette enquête : au plus "
                f"{per_client} par minute. Réessayez dans {retry_after} s.",
            )
    if per_link > 0 and _count(cache, f"enquete:{link}:{window}") > per_link:
        return Refusal(
            retry_after,
            f"Trop de réponses reçues par cette enquête en ce moment : au plus {per_link} par "
            f"minute. Réessayez dans {retry_after} s.",
        )
    return None
