"""Characters an answer may hold, and the cleaning of answers already stored.

Rule (the same for the JSON API, the web form and the KoboToolbox import): any text of an answer
(a value or a key) may hold any Unicode character except

- control characters: U+0000 to U+001F other than tabulation (U+0009), line feed (U+000A) and
  carriage return (U+000D, a web form's text area sends CR LF), DEL (U+007F) and the C1 controls
  (U+0080 to U+009F);
- code points that are not characters: a lone UTF-16 surrogate (U+D800 to U+DFFF, e.g. JSON
  ``"\\ud800"``; a well-formed pair is read as one character), U+FFFE and U+FFFF.

Such a text is refused when the answer arrives, naming the field (:func:`text_errors`), as is a
text answer of more than 10,000 characters; a whole answer may not exceed 256 Ko of JSON
(:func:`answer_size_problem`), whatever the channel (API, web form, KoboToolbox import). Answers
stored before the rule are cleaned when read (:func:`clean_text`, :func:`clean_value`): a control
character is removed, a non-character replaced by U+FFFD, so an export (XLSX, CSV) or a page never
fails on them.

The time a submission was made (``envoyee_le``, a KoboToolbox ``_submission_time``) must lie
between 2000-01-01 and one day after now, once converted to UTC (:func:`submitted_at_problem`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from teletravail.format_fr import format_number

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NON_CHARACTER = re.compile("[\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def text_problem(text: str) -> str | None:
    """French reason why ``text`` cannot be stored (first forbidden character), or None."""
    match = FORBIDDEN.search(text)
    if match is None:
        return None
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        what = f"caractère Unicode invalide U+{code:04X}"
    else:
        what = f"caractère de contrôle U+{code:04X}"
    return (
        f"Texte refusé ({what}, position {match.start() + 1}) : retirez-le. Les caractères de "
        "contrôle (sauf tabulation et retour à la ligne) et les caractères Unicode invalides ne "
        "sont pas acceptés."
    )


def clean_text(text: str) -> str:
    """``text`` without control characters (tab, LF, CR kept), non-characters as U+FFFD."""
    if FORBIDDEN.search(text) is None:
        return text
    return _NON_CHARACTER.sub(REPLACEMENT, _CONTROL.sub("", text))


def clean_value(value: Any) -> Any:  # noqa: ANN401 - any answer
    """``value`` (nested dicts, lists, texts, numbers) with every text cleaned by
    :func:`clean_text` (keys too); other values unchanged."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value


#: Longest text an answer may hold, in characters (a spreadsheet cell holds 32,767).
MAX_ANSWER_TEXT = 10_000
#: Largest answer, in bytes of its JSON (UTF-8): the API's body limit, for every channel.
MAX_ANSWER_BYTES = 256 * 1024


def answer_text_problem(text: str) -> str | None:
    """French reason why ``text`` cannot be an answer: a forbidden character
    (:func:`text_problem`), or more than :data:`MAX_ANSWER_TEXT` characters; or None."""
    problem = text_problem(text)
    if problem is None and len(text) > MAX_ANSWER_TEXT:
        problem = (
            f"Texte trop long : {format_number(len(text))} caractères, "
            f"{format_number(MAX_ANSWER_TEXT)} au plus."
        )
    return problem


def answer_size_problem(answers: Mapping[str, Any]) -> str | None:
    """French reason why the nested ``answers`` are too large to store (over
    :data:`MAX_ANSWER_BYTES` once written as JSON), or None."""
    size = len(json.dumps(answers, ensure_ascii=False, default=str).encode("utf-8", "replace"))
    if size <= MAX_ANSWER_BYTES:
        return None
    return (
        f"Réponse trop volumineuse : {format_number(size)} octets, "
        f"{MAX_ANSWER_BYTES // 1024} Ko au plus. Raccourcissez les textes ou les répétitions."
    )


def text_errors(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(flat key, French reason) for every text of the nested ``answers`` (keys and values) that
    holds a forbidden character, or for a value, more than :data:`MAX_ANSWER_TEXT` characters.
    The flat key is written as in the other errors ("lieux[2]/pos"); a key that is itself
    refused is shown cleaned."""
    found: list[tuple[str, str]] = []

    def walk(value: Any, key: str) -> None:  # noqa: ANN401 - any answer
        if isinstance(value, str):
            problem = answer_text_problem(value)
            if problem is not None:
                found.append((key, problem))
        elif isinstance(value, Mapping):
            for raw_key, item in value.items():
                name = str(raw_key)
                child = f"{key}/{clean_text(name)}" if key else clean_text(name)
                problem = text_problem(name)
                if problem is not None:
                    found.append((child, f"Nom de question refusé : {problem}"))
                    continue
                walk(item, child)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value, start=1):
                walk(item, f"{key}[{index}]" if isinstance(item, Mapping) else key)

    walk(answers, "")
    return found


EARLIEST_SUBMISSION = datetime(2000, 1, 1, tzinfo=UTC)
SUBMISSION_CLOCK_AHEAD = timedelta(days=1)


def submitted_at_problem(moment: datetime, now: datetime) -> str | None:
    """Why ``moment`` (aware) cannot be a submission time (French), or None: it must lie between
    2000-01-01 and ``now`` plus one day (a client's clock may be ahead), converted to UTC."""
    latest = now + SUBMISSION_CLOCK_AHEAD
    try:
        utc: datetime | None = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not EARLIEST_SUBMISSION <= utc <= latest:
        return (
            f"date d'envoi hors limites : attendue entre le 01/01/2000 et le {latest:%d/%m/%Y} "
            "(format AAAA-MM-JJTHH:MM:SS, avec ou sans fuseau)."
        )
    return None
