from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

DEMO_USERS = [
    ("demo-candidate", "candidate@example.com", "practise-aws-daily", "practises alone and in peer interviews"),
    ("demo-manager", "manager@example.com", "hire-with-rubrics", "runs structured interviews; staff, opens /admin/"),
]


class Command(BaseCommand):
    help = "Create the two demo accounts if they do not exist, and print how to log in."

    def handle(self, *args, **options):
        for username, email, password, role in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username, defaults={"email": email})
            if created:
                user.set_password(password)
                user.is_staff = user.is_superuser = username == "demo-manager"
                user.save()
            state = "created" if created else "already there, password unchanged"
            self.stdout.write(f"  {username:16} password: {password:20} {role} ({state})")
