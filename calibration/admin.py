from django.contrib import admin

from .models import Attempt, Drill, Requirement


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ["prompt", "team", "created_by", "created_at"]
    list_select_related = ["team", "created_by"]
    raw_id_fields = ["question", "created_by"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["drill", "user", "kappa", "submitted_at"]
    list_select_related = ["drill", "user"]
    raw_id_fields = ["drill", "user"]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["team", "threshold", "since"]
