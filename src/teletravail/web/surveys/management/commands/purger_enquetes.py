"""``manage.py purger_enquetes``: delete the answers whose retention period is over."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from teletravail.web.surveys.purge import purge_expired


class Command(BaseCommand):
    help = "Supprime les réponses des campagnes dont la durée de conservation est échue."

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
        deleted = purge_expired(today)
        self.stdout.write(f"{deleted} réponse(s) supprimée(s).")
