"""Keypoint suggestions: for a written answer and a question's rubric, whether each keypoint
was covered, with the words that show it. Lexical, on our own server, no outside service.

``suggest(answer, keypoints, prompt=...)`` is the whole interface; ``text`` turns writing into
comparable tokens (stems, AWS abbreviations, numbers with units), ``lexicon`` holds the
vocabulary, ``matcher`` decides. Suggestions never mark anything: people accept or override.
"""

from .matcher import Keypoint, Suggestion, suggest

__all__ = ["Keypoint", "Suggestion", "suggest"]
