from django.contrib import admin

from .models import Membership, Team, TeamInvite


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(TeamInvite)
class TeamInviteAdmin(admin.ModelAdmin):
    list_display = ["team", "role", "created_by", "created_at", "expires_at", "used_by", "used_at", "revoked_at"]
    list_filter = ["role"]
    list_select_related = ["team", "created_by", "used_by"]
    search_fields = ["team__name", "created_by__username", "used_by__username"]
    autocomplete_fields = ["team", "created_by", "used_by"]
    readonly_fields = ["token", "created_at"]
