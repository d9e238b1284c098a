"""Keypoint suggestions inside a session: what the interviewer side sees next to each keypoint.

The text judged is what the candidate wrote, and in a live interview also the notes the
interviewer took of what was said. Suggestions never mark anything; ``services`` records, with
each mark, what the suggestion said, so a mark that differs is an override.
"""

from __future__ import annotations

from questions.suggest import Keypoint, suggest


def judged_text(answer, notes: str = "") -> str:
    """The candidate's answer, then the interviewer's notes of what was said."""
    return "\n\n".join(part for part in (answer.text or "", notes or "") if part.strip())


def for_answer(answer, notes: str = "") -> dict[int, dict]:
    """{answer keypoint id: {verdict, confidence, evidence}}; empty when there is nothing to judge.

    ``answer.keypoints`` should be prefetched; evidence offsets index ``judged_text(answer, notes)``.
    """
    text = judged_text(answer, notes)
    if not text.strip():
        return {}
    asked = list(answer.keypoints.all())
    keypoints = [Keypoint(k.position, k.text, k.evidence or [], k.contradicts or [], id=k.pk) for k in asked]
    return {
        s.keypoint.id: {"verdict": s.verdict, "confidence": s.confidence, "evidence": s.evidence}
        for s in suggest(text, keypoints, prompt=answer.prompt, reference=answer.reference_answer)
    }
