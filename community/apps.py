from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Communauté"

    def ready(self):
        from . import domain_events, signals

        domain_events.handles(domain_events.ACCESS_ENDED)(signals.pages_recheck_after_lost_access)
