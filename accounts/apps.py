from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts.roles import sync_teachers_group

        # Runs after each app migrates (permissions are created per app); cheap and idempotent.
        post_migrate.connect(sync_teachers_group, dispatch_uid="sync_teachers_group")
