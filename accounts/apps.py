from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from .signed_in import forget_user

        # The stamp the live room's poll signs a user in by: stale the moment the user changes.
        user_model = get_user_model()
        post_save.connect(forget_user, sender=user_model, dispatch_uid="accounts.signed_in.saved")
        post_delete.connect(forget_user, sender=user_model, dispatch_uid="accounts.signed_in.deleted")
