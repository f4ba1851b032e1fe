from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Pledge tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from pledges.text import clean_text

        def clean_text_fields(sender, instance, raw=False, **kwargs):
            """Whatever path a row takes in (admin, commands, imports), no XML-forbidden character stays."""
            if sender._meta.app_label != "pledges":
                return
            for field in sender._meta.concrete_fields:
                if field.get_internal_type() in ("CharField", "TextField", "SlugField", "URLField"):
                    value = getattr(instance, field.attname)
                    if isinstance(value, str):
                        setattr(instance, field.attname, clean_text(value))

        pre_save.connect(clean_text_fields, dispatch_uid="pledges-clean-text")

        from pledges import tallies

        tallies.connect()

        from pledges.caching import connect_data_version

        connect_data_version()
