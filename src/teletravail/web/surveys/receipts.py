"""Receipt codes: what a respondent keeps to find, export or delete their answers.

A code is 16 characters drawn from an alphabet without look-alike characters (no 0/O, 1/I/L, U),
shown in 4 groups of 4 (``K7QF-9XHM-...``): about 78 bits of randomness. Only its SHA-256 digest
is stored.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
GROUPS = 4
GROUP_SIZE = 4
_LENGTH = GROUPS * GROUP_SIZE


def new_code() -> str:
    """A fresh receipt code, e.g. ``"K7QF-9XHM-2BDR-TW4P"``."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(_LENGTH))
    return "-".join(chars[i : i + GROUP_SIZE] for i in range(0, _LENGTH, GROUP_SIZE))


def normalise(code: str) -> str | None:
    """The 16 significant characters of a typed code (case, spaces and dashes ignored), or None
    when it cannot be a receipt code."""
    chars = "".join(c for c in code.upper() if c.isalnum())
    if len(chars) != _LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return chars


def code_hash(code: str) -> str | None:
    """SHA-256 hex digest of the normalised code, or None when the code is malformed."""
    chars = normalise(code)
    if chars is None:
        return None
    return hashlib.sha256(chars.encode("ascii")).hexdigest()
