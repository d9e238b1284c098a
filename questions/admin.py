from django.contrib import admin

from .models import Question, QuestionSet, QuestionSetItem, RubricKeypoint, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class KeypointInline(admin.TabularInline):
    model = RubricKeypoint
    extra = 0
    min_num = 3
    max_num = 6
    fields = ["position", "text", "weight", "evidence"]
    ordering = ["position"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["prompt", "difficulty", "visibility", "owner", "number", "is_archived"]
    list_filter = ["difficulty", "visibility", "is_archived", "tags"]
    search_fields = ["prompt", "context", "keypoints__text", "bank_key"]
    autocomplete_fields = ["owner", "team"]
    filter_horizontal = ["tags"]
    readonly_fields = ["bank_key", "created_at", "updated_at"]
    inlines = [KeypointInline]
    list_select_related = ["owner"]


class QuestionSetItemInline(admin.TabularInline):
    model = QuestionSetItem
    extra = 0
    autocomplete_fields = ["question"]
    ordering = ["position"]


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["title", "visibility", "owner", "team", "minutes_per_question"]
    list_filter = ["visibility"]
    search_fields = ["title", "description", "bank_key"]
    autocomplete_fields = ["owner", "team"]
    readonly_fields = ["bank_key", "created_at", "updated_at"]
    inlines = [QuestionSetItemInline]
    list_select_related = ["owner", "team"]
