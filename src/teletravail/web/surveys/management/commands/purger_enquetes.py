"""``manage.py purger_enquetes``: one purge run (answers whose retention is over go to the trash,
answers whose time in the trash is over are deleted for good, expired export files removed)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from teletravail.format_fr import count_text
from teletravail.web.surveys.purge import purge_expired


class Command(BaseCommand):
    help = (
        "Met à la corbeille les réponses dont la durée de conservation est échue et supprime "
        "définitivement celles dont le délai de restauration est passé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Date du jour à retenir (AAAA-MM-JJ ; par défaut : aujourd'hui).",
        )

    def handle(self, *args: object, **options: object) -> None:
        text = str(options.get("date") or "")
        try:
            today = date.fromisoformat(text) if text else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date invalide « {text} » : attendu AAAA-MM-JJ.") from exc
        counts = purge_expired(today)
        self.stdout.write(
            f"{count_text(counts.trashed, 'réponse mise', 'réponses mises')} à la corbeille, "
            f"{count_text(counts.deleted, 'réponse supprimée', 'réponses supprimées')} définitivement."
        )
