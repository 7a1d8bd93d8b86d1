"""Back office: the teams' station assessments, read-only, with their change history."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from teletravail.web.gares.models import StationAssessment


@admin.register(StationAssessment)
class StationAssessmentAdmin(SimpleHistoryAdmin):
    """Assessments are recorded by the teams on their page: the back office only reads them."""

    list_display = ("gare_nom", "uic", "territory", "updated", "updated_by")
    search_fields = ("gare_nom", "uic", "territory__nom", "territory__code")
    list_filter = ("territory__kind",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """No creation here: an assessment belongs to a team's page (checks, rights)."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Read-only: changes go through the team's page, which checks every value."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """A team's work is not deleted from the back office."""
        return False
