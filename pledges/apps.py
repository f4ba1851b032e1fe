from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Pledge tracker"
    default_auto_field = "django.db.models.BigAutoField"
