from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Pages et guides"

    def ready(self):
        from . import signals  # noqa: F401
