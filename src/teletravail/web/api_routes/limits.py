"""Limits on anonymous submissions: per client and public link, and per link, per minute.

The same counters serve the API (``POST /api/v1/enquetes/{jeton}/reponses``) and the form of the
public link (:func:`teletravail.web.surveys.formpage.page`, valid sendings only): a client cannot
double its allowance by using both.

Counters are fixed one-minute windows kept in the table of
:class:`~teletravail.web.surveys.models.SubmissionCounter`: shared by every gunicorn worker and
every server using the same database. Each counter of a submission is counted by one SQL
statement per counter, an atomic upsert (``INSERT … ON CONFLICT DO UPDATE SET n = n + 1 …
RETURNING``): one round trip, and two racing requests never count once. Both counters are
written in one transaction, committed without waiting for the disk on PostgreSQL
(``synchronous_commit`` off for that transaction only: a crash may forget a few counts, never
an answer). Django's database cache, used before, took
about ten queries per submission (read, count of rows, read, write, for each counter): it brought
the ingestion benchmark on PostgreSQL from 447 to 257 submissions a second. Rows of past minutes
are deleted when a link's counter starts a new minute.

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
from django.db import connection, transaction
from django.http import HttpRequest

from teletravail.web.client_ip import client_ip
from teletravail.web.surveys.models import SubmissionCounter

WINDOW_SECONDS = 60
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


def _client_key(request: HttpRequest) -> str:
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _count(key_value: str, window: int) -> int:
    """Add one to the counter ``key_value`` of the minute ``window`` and return its new value
    (one atomic upsert). When a counter starts a new minute, rows of earlier minutes are
    deleted."""
    quote = connection.ops.quote_name
    table = quote(SubmissionCounter._meta.db_table)
    key, minute, count = (
        quote(SubmissionCounter._meta.get_field(name).column) for name in ("key", "window", "count")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {minute}, {count}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
            [key_value, window],
        )
        (value,) = cursor.fetchone() or (1,)  # RETURNING gives the row
        if value == 1:  # a new minute: forget the older ones
            cursor.execute(f"DELETE FROM {table} WHERE {minute} < %s", [window - 1])
    return value


def check_submission_rate(request: HttpRequest, token: str) -> Refusal | None:
    """Count one submission to the link ``token`` from the request's client; a Refusal when a
    limit of this minute is already reached. A request refused for its client is counted for
    that client only, not for the link: one client sending too much cannot use up the link's
    allowance and lock the other respondents out."""
    per_client = _limit("TELETRAVAIL_SURVEY_RATE_PER_CLIENT", DEFAULT_PER_CLIENT)
    per_link = _limit("TELETRAVAIL_SURVEY_RATE_PER_LINK", DEFAULT_PER_LINK)
    if per_client <= 0 and per_link <= 0:
        return None
    now = _now()
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, WINDOW_SECONDS - int(now % WINDOW_SECONDS))
    link = hashlib.blake2b(token.encode(), digest_size=12).hexdigest()
    with transaction.atomic():  # one commit for both counters
        if connection.vendor == "postgresql":
            # counters are not worth a disk flush: a crash may forget the last few counts
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if per_client > 0:
            client = hashlib.blake2b(_client_key(request).encode(), digest_size=12).hexdigest()
            if _count(f"{link}:{client}:{window}", window) > per_client:
                return Refusal(
                    retry_after,
                    f"Trop de réponses envoyées depuis votre adresse à cette enquête : au plus "
                    f"{per_client} par minute. Réessayez dans {retry_after} s.",
                )
        if per_link > 0 and _count(f"{link}:{window}", window) > per_link:
            return Refusal(
                retry_after,
                f"Trop de réponses reçues par cette enquête en ce moment : au plus {per_link} "
                f"par minute. Réessayez dans {retry_after} s.",
            )
    return None
