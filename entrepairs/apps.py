from django.apps import AppConfig


class EntrePairsConfig(AppConfig):
    """The project itself: settings, URLs, ASGI, and the features that gather from every app
    (the member's dashboard, the personal-data export, account deletion, retention)."""

    name = "entrepairs"
    verbose_name = "Entre pairs"
