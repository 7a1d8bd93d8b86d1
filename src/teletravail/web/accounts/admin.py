"""Back office: territories and memberships, with their change history."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from teletravail.web.accounts.models import ApiToken, Membership, Territory


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
