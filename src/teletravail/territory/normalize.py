"""Name normalisation for territory lookup: accents, case, hyphens and usual abbreviations.

``normalize("St-Omer")``, ``normalize("saint omer")`` and ``normalize("Saint-Omer")`` all give
``"saint omer"``; ``normalize("Communauté d'agglomération du Grand Sénonais")`` gives
``"ca du grand senonais"``, the form of the EPCI name in the COG.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_WORDS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_PHRASES = (
    ("communaute d agglomeration", "ca"),
    ("communaute de communes", "cc"),
    ("communaute urbaine", "cu"),
    ("metropole de", "metropole de"),
)


def fold(text: str) -> str:
    """Lower case, accents removed (œ -> oe, æ -> ae), every non-alphanumeric run -> one space."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def normalize(text: str) -> str:
    """Folded text with abbreviations expanded (st -> saint) and EPCI type phrases shortened."""
    words = [_WORDS.get(w, w) for w in fold(text).split()]
    result = " ".join(words)
    for long, short in _PHRASES:
        if result.startswith(long + " ") or result == long:
            result = short + result[len(long) :]
    return result
