from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Communauté"

    def ready(self):
        from . import domain_events, live, signals  # noqa: F401

        domain_events.handles(domain_events.ACCESS_ENDED)(live.pages_recheck_after_lost_access)
