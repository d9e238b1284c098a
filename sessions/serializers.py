"""The sessions API's request and response shapes (the viewset is in ``sessions.api``)."""

from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError

from questions.api import TeamField
from questions.models import QuestionSet
from teams.models import Membership

from . import services
from .models import InterviewSession, MarkValue, Mode, Recommendation

# --- input -------------------------------------------------------------------------------------


class SessionCreateSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Mode.choices)
    question_set = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="A set's id.")
    question_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=services.MAX_QUESTIONS,
        help_text="Hand-picked question ids, in the order they are asked.",
    )
    team = TeamField(required=False, allow_null=True, default=None, help_text="Structured: the team's id.")
    candidate_email = serializers.EmailField(required=False, allow_blank=True, default="")
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    meeting_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=200)
    panel = serializers.ListField(
        child=serializers.CharField(max_length=150),
        required=False,
        default=list,
        help_text="Structured: usernames of the team members who interview with you.",
    )
    minutes_per_question = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=180
    )

    def validate_question_set(self, pk):
        if pk is None:
            return None
        qset = QuestionSet.objects.for_user(self.context["request"].user).filter(pk=pk).first()
        if qset is None:
            # Not yours to see answers 404, the field named, as the team does (questions.api.TeamField).
            raise NotFound({"question_set": [f"No such question set: {pk}."]})
        return qset

    def validate(self, attrs):
        if attrs["question_set"] is not None and attrs["question_ids"]:
            raise ValidationError({"question_ids": "Give question_set or question_ids, not both."})
        if attrs["question_set"] is None and not attrs["question_ids"]:
            raise ValidationError(
                {"question_set": "Give question_set (a set's id) or question_ids (an ordered list of question ids)."}
            )
        names = list(dict.fromkeys(attrs["panel"]))
        if names and attrs["mode"] != Mode.STRUCTURED:
            raise ValidationError({"panel": "Only structured interviews have a panel."})
        if names and attrs["team"] is None:
            raise ValidationError({"team": "A structured interview belongs to a team."})
        if names:
            team = attrs["team"]
            found = {
                m.user.username: m.user
                for m in Membership.objects.filter(team=team, user__username__in=names).select_related("user")
            }
            missing = [n for n in names if n not in found]
            if missing:
                raise ValidationError({"panel": f"Not a member of {team.name}: {', '.join(missing)}."})
            attrs["panel"] = [found[n] for n in names]
        return attrs


class JoinSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class AnswerTextSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=20_000)


class MarkSerializer(serializers.Serializer):
    mark = serializers.ChoiceField(choices=MarkValue.choices, allow_null=True, help_text="null clears the mark.")


class NotesSerializer(serializers.Serializer):
    notes = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=20_000)
    version = serializers.IntegerField(
        min_value=0, help_text="The notes_version you last read; a stale one answers 409 and saves nothing."
    )


class RatingSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=4)


class FinishSerializer(serializers.Serializer):
    feedback = serializers.CharField(required=False, allow_blank=True, default="", help_text="Peer sessions.")
    shared_positions = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Peer sessions: positions whose notes the candidate may read.",
    )
    recommendation = serializers.ChoiceField(
        choices=Recommendation.choices, required=False, allow_blank=True, default="", help_text="Structured: required."
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class FeedbackSerializer(serializers.Serializer):
    feedback = serializers.CharField(max_length=20_000, help_text="What went well and what to work on next.")


class ScorecardSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class AmendSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    reason = serializers.CharField(max_length=2_000, help_text="Why the submitted scorecard changes; kept with it.")


# --- output ------------------------------------------------------------------------------------


class SessionListSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: the choices already have their enums elsewhere.
    status = serializers.CharField(read_only=True, help_text="scheduled, live or finished.")
    role = serializers.CharField(read_only=True, help_text="Your role: lead, panelist, candidate or manager.")

    class Meta:
        model = InterviewSession
        fields = ["id", "mode", "status", "title", "role", "current_position", "question_count", "created_at"]


class SessionCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mode = serializers.CharField()
    status = serializers.CharField()
    invite_url = serializers.CharField(allow_null=True, help_text="Null for a self-assessment.")
    invite_token = serializers.CharField(allow_null=True, help_text="Null for a self-assessment.")


class AnswerTextResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    text = serializers.CharField()


class MarkResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    keypoint_id = serializers.IntegerField()
    mark = serializers.CharField(allow_null=True)
    score = serializers.FloatField(help_text="Your score for this answer, 0 to 100.")


class NotesResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    notes_version = serializers.IntegerField()


class RatingResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    rating = serializers.IntegerField()


class AmendmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    interviewer = serializers.CharField(source="reviewer.user.username")
    reason = serializers.CharField()
    old_recommendation = serializers.CharField(help_text="Empty if there was none.")
    new_recommendation = serializers.CharField()
    old_summary = serializers.CharField()
    new_summary = serializers.CharField()
    created_at = serializers.DateTimeField()


class IdSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
