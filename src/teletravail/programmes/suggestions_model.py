"""A suggested action of a programme (:class:`Suggestion`), shared by the station, grid and
diagnostic suggestions (:mod:`teletravail.programmes.suggestions`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from teletravail.programmes.model import Motive


class Suggestion(BaseModel):
    """A suggested action: ``titre`` (the action), ``theme`` (programme theme), ``description``
    (why: the gap in words, with the figure and its source), ``porteurs`` (examples of who leads
    it, empty when the source names none), ``motif`` (what motivated it, with the page showing
    the evidence), ``source_label`` (the tool it comes from) and ``niveau`` (how weak the motive
    is, in the tool's scale: station level 0-3, grid median 0-4, diagnostic value; used to order
    suggestions of one kind, lowest first; None when it has no order)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    titre: str = Field(min_length=1, max_length=300)
    theme: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    porteurs: list[str] = Field(default_factory=list)
    motif: Motive
    source_label: str
    niveau: float | None = None
