"""The drill forms: the manager's answers and gold marks, an interviewer's blind marks, the requirement.

Fields are named by position: ``a2-text``, ``a2-source``, ``a2-kp3`` (answer 2, keypoint 3), so
one form holds every answer; ``slots()`` groups them for the template.
"""

from django import forms

from sessions.models import MarkValue

from .models import MAX_ANSWERS


def _mark_field(label, required):
    return forms.ChoiceField(label=label, choices=MarkValue.choices, widget=forms.RadioSelect, required=required)


class QuestionChoiceForm(forms.Form):
    question = forms.ModelChoiceField(queryset=None, label="Question", empty_label="Choose a question")

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = questions


class DrillForm(forms.Form):
    """Up to ``MAX_ANSWERS`` answers, each typed or taken from an interview, with a gold mark per keypoint.

    Slots left empty are skipped; the service decides whether what is left makes a drill."""

    def __init__(self, *args, keypoints, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.keypoints = keypoints
        source_choices = [("", "None: I type the answer")] + [
            (str(s.id), f"Interview answer {letter(i)}") for i, s in enumerate(sources)
        ]
        for n in range(1, MAX_ANSWERS + 1):
            if sources:
                self.fields[f"a{n}-source"] = forms.TypedChoiceField(
                    label="Take it from", choices=source_choices, coerce=int, empty_value=None, required=False
                )
            self.fields[f"a{n}-text"] = forms.CharField(
                label="Answer", widget=forms.Textarea(attrs={"rows": 5}), required=False
            )
            for kp in keypoints:
                self.fields[f"a{n}-kp{kp.position}"] = _mark_field(kp.text, required=False)

    def slots(self):
        for n in range(1, MAX_ANSWERS + 1):
            yield {
                "position": n,
                "source": self[f"a{n}-source"] if f"a{n}-source" in self.fields else None,
                "text": self[f"a{n}-text"],
                "marks": [self[f"a{n}-kp{kp.position}"] for kp in self.keypoints],
            }

    def answers(self):
        """The filled slots, in order, as the service takes them."""
        data, found = self.cleaned_data, []
        for n in range(1, MAX_ANSWERS + 1):
            gold = [data.get(f"a{n}-kp{kp.position}") or None for kp in self.keypoints]
            source, text = data.get(f"a{n}-source"), data.get(f"a{n}-text", "").strip()
            if source or text or any(gold):
                found.append({"source": source, "text": text, "gold": gold})
        return found


class ScoreForm(forms.Form):
    """One mark per keypoint of each answer, all required: the drill is scored whole, once."""

    def __init__(self, *args, drill_data, **kwargs):
        super().__init__(*args, **kwargs)
        self.drill_data = drill_data
        for answer in drill_data["answers"]:
            for kp in drill_data["keypoints"]:
                self.fields[f"a{answer['position']}-kp{kp['position']}"] = _mark_field(kp["text"], required=True)

    def slots(self):
        for answer in self.drill_data["answers"]:
            p = answer["position"]
            yield {**answer, "fields": [self[f"a{p}-kp{kp['position']}"] for kp in self.drill_data["keypoints"]]}

    def marks(self):
        return [
            [self.cleaned_data[f"a{a['position']}-kp{kp['position']}"] for kp in self.drill_data["keypoints"]]
            for a in self.drill_data["answers"]
        ]


class DrillEditForm(forms.Form):
    """The drill's title and, until someone scores it, its gold marks (``a2-kp3`` as in ``DrillForm``).

    Once scored (``locked``) the page shows the gold marks without inputs; fields stay optional so
    that a page opened before the first attempt is refused by the service (409), not ignored."""

    prompt = forms.CharField(
        label="Title", max_length=300, help_text="The question interviewers see at the top of the drill."
    )

    def __init__(self, *args, drill_data, locked, **kwargs):
        super().__init__(*args, **kwargs)
        self.drill_data, self.locked = drill_data, locked
        self.fields["prompt"].initial = drill_data["prompt"]
        for answer in drill_data["answers"]:
            for row in answer["marks"]:
                name = f"a{answer['position']}-kp{row['keypoint']}"
                self.fields[name] = _mark_field(row["text"], required=not locked)
                self.fields[name].initial = row["gold"]

    def slots(self):
        for answer in self.drill_data["answers"]:
            p = answer["position"]
            yield {**answer, "fields": [self[f"a{p}-kp{row['keypoint']}"] for row in answer["marks"]]}

    def gold(self):
        """One list per answer, or None when no gold mark was sent."""
        rows = [
            [self.cleaned_data.get(f"a{a['position']}-kp{row['keypoint']}") or None for row in a["marks"]]
            for a in self.drill_data["answers"]
        ]
        return rows if any(value for row in rows for value in row) else None


class RequirementForm(forms.Form):
    required = forms.BooleanField(label="New interviewers must pass a drill before sitting on a panel", required=False)
    threshold = forms.FloatField(
        label="Agreement needed to pass (weighted kappa, 0 to 1)",
        min_value=0,
        max_value=1,
        initial=0.6,
        required=False,
        help_text="0.6 is a common bar: clearly better than chance, short of full agreement.",
    )

    def clean(self):
        data = super().clean()
        if data.get("required") and data.get("threshold") is None:
            self.add_error("threshold", "Give the agreement needed to pass.")
        return data


def letter(i):
    return chr(ord("A") + i)
