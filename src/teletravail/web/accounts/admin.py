"""Back office: territories, memberships and invitations, with their change history."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from teletravail.web.accounts.models import ApiToken, Invitation, Membership, Territory


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    list_display = ("nom", "kind", "code")
    list_filter = ("kind",)
    search_fields = ("nom", "code")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "territory")
    list_filter = ("role", "territory__kind")
    search_fields = ("user__username", "user__email", "territory__nom", "territory__code")
    autocomplete_fields = ("user", "territory")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created", "last_used")
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "key_hash", "created", "last_used")
    autocomplete_fields = ("user",)


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    """Invitations are issued from the team pages (which send the link); here they are read."""

    list_display = ("email", "territory", "role", "created", "expires", "accepted_at", "revoked_at")
    list_filter = ("role", "territory__kind")
    search_fields = ("email", "territory__nom", "territory__code")
    readonly_fields = (
        "territory",
        "email",
        "role",
        "invited_by",
        "created",
        "expires",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    exclude = ("token_hash",)

    def has_add_permission(self, request: object) -> bool:
        return False
