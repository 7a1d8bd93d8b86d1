"""Detection of questions that collect personal data of the respondent (name, contact, birth…).

Such a question is accepted only with a purpose in the ``donnee_personnelle`` column. Detection
looks at free-entry questions only (text, integer, decimal, date, datetime, time): a select,
an acknowledge or a range can only store values the form offers, never a name or a number.

- Name tokens: the question name is split on ``_``, ``-``, ``.``, digits and camelCase humps,
  accents and case are ignored; a token such as ``nom``, ``prenom``, ``phone``, ``tel``,
  ``email``, ``adresse``, ``naissance``, ``nir``, ``iban`` makes the question personal, unless
  another token names an organisation, a place or equipment (``nom_employeur``,
  ``adresse_tiers_lieu``, ``ordinateur_portable``): the name of the respondent's employer or of a
  coworking space is not personal data of the respondent. Birth, social security and bank
  tokens are never excused.
- Label phrases: « votre nom », « prénom », « nom et prénom », « numéro de téléphone »,
  « adresse e-mail / électronique / postale / mail », « votre adresse », « date de naissance »,
  « numéro de sécurité sociale »…; « nom de votre employeur » is not one of them.
"""

from __future__ import annotations

import re
import unicodedata

#: Question kinds where the respondent types the answer (the only ones checked).
FREE_ENTRY_KINDS = frozenset({"text", "integer", "decimal", "date", "datetime", "time"})

#: Name tokens that reveal personal data, excused by a context token (see _CONTEXT_TOKENS).
_TOKENS = frozenset(
    {
        "nom",
        "noms",
        "prenom",
        "prenoms",
        "name",
        "names",
        "firstname",
        "lastname",
        "surname",
        "fullname",
        "forename",
        "phone",
        "telephone",
        "tel",
        "mobile",
        "portable",
        "gsm",
        "email",
        "mail",
        "courriel",
        "adresse",
        "address",
        "addr",
    }
)
#: Name tokens that always reveal personal data (birth, social security, bank account).
_STRICT_TOKENS = frozenset(
    {"naissance", "birth", "birthdate", "birthday", "dob", "nir", "secu", "ssn", "iban"}
)
#: Names written without separators that are personal ("nomprenom", "numtel"…).
_COMPOUNDS = frozenset(
    {
        "nomprenom",
        "prenomnom",
        "nomcomplet",
        "datenaissance",
        "datedenaissance",
        "numtel",
        "numerotel",
        "numtelephone",
        "numerotelephone",
        "adressemail",
        "adresseemail",
        "adressepostale",
        "phonenumber",
    }
)
#: Tokens naming an organisation, a place or equipment: ``nom_employeur`` is the employer's
#: name, ``ordinateur_portable`` a laptop, ``nombre_mails`` a count.
_CONTEXT_TOKENS = frozenset(
    {
        "employeur",
        "employer",
        "entreprise",
        "company",
        "societe",
        "structure",
        "service",
        "direction",
        "organisme",
        "organisation",
        "organization",
        "association",
        "collectivite",
        "commune",
        "ville",
        "city",
        "site",
        "lieu",
        "tiers",
        "coworking",
        "etablissement",
        "ecole",
        "metier",
        "projet",
        "logiciel",
        "outil",
        "application",
        "ordinateur",
        "pc",
        "laptop",
        "equipement",
        "materiel",
        "forfait",
        "abonnement",
        "reseau",
        "couverture",
        "usage",
        "utilisation",
        "nombre",
        "nb",
    }
)

#: Label phrases (accent-free, lower case; a space stands for any run of spaces) that ask
#: for personal data.
_PHRASE_TEXT = (
    r"\b(?:"
    r"(?:votre|ton|vos|tes) noms?"
    r"|prenoms?"
    r"|noms? (?:et|ou) prenoms?"
    r"|noms? de famille"
    r"|nom complet"
    r"|numeros? de (?:telephone|tel|portable|mobile|gsm)"
    r"|(?:votre|ton) (?:numero de )?(?:telephone|portable|mobile)"
    r"|adresses? (?:e-?mail|mail|electronique|postale|courriel|personnelle|du domicile)"
    r"|(?:votre|ton) (?:adresse|e-?mail|courriel|mail)"
    r"|date de naissance"
    r"|lieu de naissance"
    r"|numeros? de securite sociale"
    r"|numeros? (?:de )?secu"
    r"|iban"
    r")\b"
)
_PHRASES = re.compile(_PHRASE_TEXT.replace(" ", r"\s+"))

_HUMPS = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s_\-.\d]+")


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """``text`` in lower case without accents, one character for one (so that positions in
    the result are positions in ``text``): "Numéro de Téléphone" → "numero de telephone"."""
    return "".join(_fold_char(c) for c in text)


def name_tokens(name: str) -> list[str]:
    """Tokens of a question name: split on ``_ - .``, digits and camelCase, accent-free lower
    case ("numero_tel2" → ["numero", "tel"], "firstName" → ["first", "name"])."""
    spaced = _HUMPS.sub(" ", name)
    return [t for t in _SEPARATORS.split(fold(spaced)) if t]


def personal_name_token(name: str) -> str | None:
    """The token of ``name`` that reveals personal data, None when there is none."""
    tokens = name_tokens(name)
    for token in tokens:
        if token in _STRICT_TOKENS:
            return token
    if any(t in _CONTEXT_TOKENS for t in tokens):
        return None
    for token in tokens:
        if token in _TOKENS:
            return token
    return name if "".join(tokens) in _COMPOUNDS else None


def personal_label_phrase(label: str) -> str | None:
    """The phrase of ``label`` (as written) that asks for personal data, None if none."""
    match = _PHRASES.search(fold(label))
    return " ".join(label[match.start() : match.end()].split()) if match else None


def personal_reason(name: str, label: str, kind: str) -> str | None:
    """Why a question seems to collect personal data of the respondent, in French (« son nom
    contient « tel » », « son libellé mentionne « date de naissance » »); None when it does
    not or when ``kind`` is not a free-entry kind."""
    if kind not in FREE_ENTRY_KINDS:
        return None
    token = personal_name_token(name)
    if token is not None:
        return f"son nom contient « {token} »"
    phrase = personal_label_phrase(label)
    if phrase is not None:
        return f"son libellé mentionne « {phrase} »"
    return None
