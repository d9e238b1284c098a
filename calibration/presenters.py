"""What a drill shows each person, decided once for the pages and the API.

Before they submit, interviewers see the answers and the keypoints only: no gold marks, nobody's
marks. After submitting they see their marks beside the gold and the panel's (the other
interviewers who have submitted), counted per keypoint. Managers see the gold from the start,
the panel's marks, and each interviewer's agreement on this drill.
"""

from collections import Counter

from django.http import Http404

from common.refusals import Conflict
from sessions.services import LOCKED_MESSAGE
from teams.models import Membership
from teams.permissions import role

from .kappa import ORDER
from .models import Attempt
from .services import rubric_locked


def drill_for(drill, user) -> dict:
    """The drill as ``user`` may see it: 404 outside the team; 409 while its question is in an
    interview ``user`` is taking as the candidate (its rubric is closed to them until it ends)."""
    my_role = role(user, drill.team)
    if my_role is None:
        raise Http404("No such drill.")
    keypoints = list(drill.keypoints.all())
    answers = list(drill.answers.all())
    attempts = list(Attempt.objects.filter(drill=drill).select_related("user").order_by("submitted_at", "pk"))
    mine = next((a for a in attempts if a.user_id == user.pk), None)
    is_manager = my_role == Membership.Role.MANAGER
    wrote_it = drill.created_by_id == user.pk
    revealed = is_manager or wrote_it or mine is not None
    if not revealed and rubric_locked(drill, user):
        raise Conflict(LOCKED_MESSAGE)
    others = [a for a in attempts if a.user_id != user.pk]
    data = {
        "id": drill.pk,
        "team": drill.team_id,
        "prompt": drill.prompt,
        "question": drill.question_id,
        "created_at": drill.created_at,
        "role": my_role,
        "can_score": my_role == Membership.Role.INTERVIEWER and mine is None and not wrote_it,
        "revealed": revealed,
        "keypoints": [{"position": k.position, "text": k.text, "weight": k.weight} for k in keypoints],
        "kappa": mine.kappa if mine else None,
        "submitted_at": mine.submitted_at if mine else None,
        "panel_size": len(others) if revealed else None,
        "answers": [],
        "attempts": [],
    }
    for i, answer in enumerate(answers):
        rows = []
        for j, keypoint in enumerate(keypoints):
            row = {"keypoint": keypoint.position, "text": keypoint.text}
            if revealed:
                counted = Counter(a.marks[i][j] for a in others)
                row["gold"] = answer.gold[j]
                if mine:
                    row["mine"] = mine.marks[i][j]
                row["panel"] = {value: counted[value] for value in reversed(ORDER)}
            rows.append(row)
        data["answers"].append({"position": answer.position, "text": answer.text, "marks": rows})
    if is_manager:
        data["attempts"] = [
            {"interviewer": a.user.username, "kappa": a.kappa, "submitted_at": a.submitted_at} for a in attempts
        ]
    return data
