"""What a hiring report's page and PDF read from its data beyond the numbers stored."""

from .formatting import number

TELLS_APART = 25.0  # points between a question's lowest and highest candidate score


def question_insights(data):
    """Per question of a hiring report: candidates' score range and the keypoints' missed shares.

    Sorted by spread (highest minus lowest candidate score), widest first: the questions at the top
    are the ones that tell candidates apart. A keypoint "splits" the field when between a quarter
    and three quarters of its marks are misses.
    """
    data = data or {}
    questions = list(data.get("questions") or [])
    candidates = data.get("candidates") or []
    misses = {m.get("position"): m for m in data.get("keypoint_misses") or []}
    known = {q.get("position") for q in questions}
    questions += [{"position": p, "prompt": m.get("prompt", "")} for p, m in misses.items() if p not in known]
    rows = []
    for index, q in enumerate(questions):
        scores = []
        for c in candidates:
            cells = c.get("scores") or []
            v = number(cells[index]) if index < len(cells) else None
            if v is not None:
                scores.append(v)
        spread = max(scores) - min(scores) if len(scores) >= 2 else None
        keypoints = []
        for kp in (misses.get(q.get("position")) or {}).get("keypoints") or []:
            share = number(kp.get("missed_share")) or 0.0
            keypoints.append(
                {**kp, "missed_share": share, "splits": (kp.get("marked") or 0) >= 2 and 0.25 <= share <= 0.75}
            )
        rows.append(
            {
                "position": q.get("position"),
                "prompt": q.get("prompt", ""),
                "scored": len(scores),
                "low": min(scores) if scores else None,
                "high": max(scores) if scores else None,
                "mean": sum(scores) / len(scores) if scores else None,
                "spread": spread,
                "tells_apart": spread is not None and spread >= TELLS_APART,
                "keypoints": keypoints,
            }
        )
    rows.sort(key=lambda r: (r["spread"] is None, -(r["spread"] or 0), r["position"] or 0))
    return rows
