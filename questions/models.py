import re

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

SEARCH_WORD = re.compile(r"\w+")
SEARCH_MAX_WORDS = 8  # a longer query narrows nothing more, and each word is a condition


class _NumNode(models.Func):
    """PostgreSQL's numnode(tsquery): 0 for a query of stop words only."""

    function = "numnode"
    output_field = models.IntegerField()


class Difficulty(models.TextChoices):
    BASIC = "basic", "Basic"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    TEAM = "team", "Team"
    PRIVATE = "private", "Private"


def visible_to(user, prefix=""):
    """The Q that admits objects with an owner/visibility/team the user may see.

    Public objects are seen by everyone, private ones by their owner, team ones by the
    members of their team.
    """
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    if not user.is_authenticated:
        return public
    from teams.models import Membership

    teams = Membership.objects.filter(user=user).values("team_id")
    return (
        public
        | Q(**{f"{prefix}owner": user})
        | Q(**{f"{prefix}visibility": Visibility.TEAM, f"{prefix}team_id__in": teams})
    )


def _visibility_constraints(name):
    return [
        models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name=f"{name}_visibility_valid"),
        models.CheckConstraint(
            condition=~Q(visibility=Visibility.TEAM) | Q(team__isnull=False),
            name=f"{name}_team_visibility_needs_team",
        ),
        models.CheckConstraint(
            condition=Q(owner__isnull=False) | Q(visibility=Visibility.PUBLIC),
            name=f"{name}_bank_items_are_public",
        ),
    ]


# Who may read a rubric now is decided by the apps that know about interviews: each registers
# a function ``user -> queryset of question ids`` whose rubric that user may not read now (see
# ``sessions.apps``). The bank asks them; it never imports the apps above it.
_rubric_locks = []


def register_rubric_lock(locked_ids):
    _rubric_locks.append(locked_ids)
    return locked_ids


def rubric_locked_filter(user, field="pk"):
    """The Q matching rows whose ``field`` is a question whose rubric the user may not read now."""
    condition = Q(pk__in=[])
    if user is not None and user.is_authenticated:
        for locked_ids in _rubric_locks:
            condition |= Q(**{f"{field}__in": locked_ids(user)})
    return condition


# Whether a question is still used by what the apps above keep (an interview's answers) is
# decided by those apps: each registers a function ``() -> queryset of question ids`` they use
# (see ``sessions.apps``). Deleting a question asks them; the bank never imports them.
_question_uses = []


def register_question_use(used_ids):
    _question_uses.append(used_ids)
    return used_ids


def question_used_filter(field="pk"):
    """The Q matching rows whose ``field`` is a question that a registered app still uses."""
    condition = Q(pk__in=[])
    for used_ids in _question_uses:
        condition |= Q(**{f"{field}__in": used_ids()})
    return condition


class Tag(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class QuestionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(visible_to(user), is_archived=False)

    def rubric_readable_by(self, user):
        """Questions whose rubric the user may read now.

        Not those in an interview the user is taking as the candidate and that has not
        finished (in a self-assessment, until the answer to it is submitted).
        """
        return self.exclude(rubric_locked_filter(user))

    def with_difficulty(self, difficulty):
        return self.filter(difficulty=difficulty) if difficulty else self

    def with_tags(self, slugs):
        """Questions carrying every one of the tags."""
        qs = self
        for slug in slugs or []:
            qs = qs.filter(tags__slug=slug)
        return qs

    def search(self, text, *, user=None):
        """Questions that contain every word of ``text``, in any order, most relevant first.

        A word matches whole words (a plural "s" aside) of the prompt, the context or a rubric
        keypoint: "NAT" finds "NAT gateway", not "alternative". On PostgreSQL each word is a
        full-text match (English stemming) ranked by ``SearchRank``; a word that no question
        contains falls back to trigram word similarity on the prompt (pg_trgm, migration 0005),
        so a small typo ("Glaciar") still finds "Glacier". Other databases match each word on
        word boundaries with a regular expression and rank prompt matches above the rest.
        With ``user``, keypoints of questions whose rubric is closed to that user (an interview
        they are taking) do not match, so a search cannot probe them.
        """
        words = list(dict.fromkeys(word.lower() for word in SEARCH_WORD.findall(text or "")))[:SEARCH_MAX_WORDS]
        if not words:
            return self
        keypoints = RubricKeypoint.objects.exclude(rubric_locked_filter(user, "question_id"))
        if connection.vendor == "postgresql":
            return self._search_postgresql(words, keypoints)
        qs, rank = self, models.Value(0)
        for word in words:
            stem = word[:-1] if len(word) > 3 and word.endswith("s") else word
            pattern = rf"\b{re.escape(stem)}(s|es)?\b"
            in_keypoints = keypoints.filter(text__iregex=pattern).values("question_id")
            qs = qs.filter(Q(prompt__iregex=pattern) | Q(context__iregex=pattern) | Q(pk__in=in_keypoints))
            rank = rank + models.Case(
                models.When(prompt__iregex=pattern, then=models.Value(2)),
                models.When(context__iregex=pattern, then=models.Value(1)),
                default=models.Value(0),
            )
        return qs.annotate(rank=rank).order_by("-rank", "number", "pk")

    def _search_postgresql(self, words, keypoints):
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
        from django.db.models.lookups import Exact

        document = SearchVector("prompt", "context", config="english")
        qs = self
        for word in words:
            query = SearchQuery(word, config="english")
            # Two index scans (migration 0003 indexes both expressions).
            in_prompts = Question.objects.annotate(document=document).filter(document=query).values("pk")
            in_keypoints = keypoints.annotate(document=SearchVector("text", config="english")).filter(document=query)
            exact = Q(pk__in=in_prompts.order_by().union(in_keypoints.values("question_id").order_by()))
            # A stop word ("the") has an empty query: it constrains nothing.
            stop_word = Exact(_NumNode(query), 0)
            # A word found nowhere among these questions may be misspelt: similar words of the prompt do.
            nowhere = ~models.Exists(self.order_by().filter(exact))
            qs = qs.filter(exact | Q(stop_word) | (Q(prompt__trigram_word_similar=word) & Q(nowhere)))
        query = SearchQuery(" ".join(words), config="english", search_type="websearch")
        rank = SearchRank(document, query) + TrigramWordSimilarity(" ".join(words), "prompt") / 10
        return qs.annotate(rank=rank).order_by("-rank", "number", "pk")


class Question(models.Model):
    bank_key = models.CharField(
        max_length=80, unique=True, null=True, blank=True, help_text="Stable key of a built-in bank question."
    )
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Position in the built-in bank.")
    slug = models.SlugField(max_length=100, unique=True)
    prompt = models.CharField(max_length=300)
    context = models.TextField(blank=True, help_text="Optional Markdown shown under the prompt.")
    difficulty = models.CharField(max_length=20, choices=Difficulty.choices, db_index=True)
    tags = models.ManyToManyField(Tag, related_name="questions", blank=True)
    reference_answer = models.TextField(blank=True, help_text="Markdown.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions")
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["number", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(difficulty__in=Difficulty.values), name="question_difficulty_valid"),
            *_visibility_constraints("question"),
        ]

    def __str__(self):
        return self.prompt

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Question, self.bank_key or self.prompt)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("questions:detail", args=[self.pk])


def unique_slug(model, text, max_length=90):
    """A slug from the text, numbered when taken; one query whatever the number of clashes."""
    return unique_slugs(model, [text], max_length)[0]


def unique_slugs(model, texts, max_length=90) -> list[str]:
    """``unique_slug`` for each text, as if each were saved before the next; one query in all."""
    bases = [slugify(text)[:max_length].strip("-") or "item" for text in texts]
    unique, taken = sorted(set(bases)), set()
    for i in range(0, len(unique), 200):  # a short OR a query: SQLite limits how deep an expression goes
        starts = Q()
        for base in unique[i : i + 200]:
            starts |= Q(slug__startswith=base)
        taken.update(model.objects.filter(starts).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


class RubricKeypoint(models.Model):
    """One thing a good answer says, with its weight and the terms that show it in an answer."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="keypoints")
    text = models.CharField(max_length=300)
    weight = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField()
    evidence = models.JSONField(default=list, blank=True, help_text="Words, abbreviations and numbers that show it.")
    contradicts = models.JSONField(
        default=list, blank=True, help_text="Phrases that show an answer claimed the opposite (a wrong number, ...)."
    )

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="keypoint_unique_position"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="keypoint_weight_positive"),
        ]

    def __str__(self):
        return self.text


class QuestionSetQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(visible_to(user))


class QuestionSet(models.Model):
    bank_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="question_sets"
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="question_sets"
    )
    minutes_per_question = models.PositiveSmallIntegerField(null=True, blank=True)
    questions = models.ManyToManyField(Question, through="QuestionSetItem", related_name="question_sets")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionSetQuerySet.as_manager()
    # The bank's sets first, in the order the bank ships them; then users' sets.
    LIST_ORDER = (models.F("owner_id").asc(nulls_first=True), "pk")

    class Meta:
        ordering = [models.F("owner_id").asc(nulls_first=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_per_question__isnull=True) | Q(minutes_per_question__gte=1),
                name="questionset_minutes_positive",
            ),
            *_visibility_constraints("questionset"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("questions:set_detail", args=[self.pk])


class QuestionSetItem(models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="set_items")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["question_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "position"], name="setitem_unique_position"),
            models.UniqueConstraint(fields=["question_set", "question"], name="setitem_unique_question"),
        ]

    def __str__(self):
        return f"{self.question_set} #{self.position}"
