from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from .models import Profile
        from .signed_in import forget_time_zone, forget_user

        # The signed-in user and the stamp the live room's poll signs a user in by, and the user's time
        # zone: stale the moment the user or their profile changes.
        user_model = get_user_model()
        post_save.connect(forget_user, sender=user_model, dispatch_uid="accounts.signed_in.saved")
        post_delete.connect(forget_user, sender=user_model, dispatch_uid="accounts.signed_in.deleted")
        post_save.connect(forget_time_zone, sender=Profile, dispatch_uid="accounts.signed_in.zone_saved")
        post_delete.connect(forget_time_zone, sender=Profile, dispatch_uid="accounts.signed_in.zone_deleted")
