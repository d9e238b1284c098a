import factory
from django.contrib.auth.models import User

from questions.models import Difficulty, Question, QuestionSet, QuestionSetItem, RubricKeypoint, Tag, Visibility
from teams.models import Membership, Team

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.INTERVIEWER


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"tag-{n}")
    name = factory.LazyAttribute(lambda t: t.slug.replace("-", " ").title())


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    prompt = factory.Sequence(lambda n: f"Question number {n}: how would you design it?")
    difficulty = Difficulty.BASIC
    reference_answer = "A **reference** answer."
    owner = None
    visibility = Visibility.PUBLIC

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)

    @factory.post_generation
    def keypoints(obj, create, extracted, **kwargs):
        if not create:
            return
        texts = extracted if extracted is not None else ["First keypoint", "Second keypoint", "Third keypoint"]
        for position, text in enumerate(texts, 1):
            RubricKeypoint.objects.create(question=obj, text=text, weight=2 if position == 1 else 1, position=position)


class QuestionSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionSet
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Set {n}")
    visibility = Visibility.PUBLIC

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        if create and extracted:
            for position, question in enumerate(extracted, 1):
                QuestionSetItem.objects.create(question_set=obj, question=question, position=position)
