from .models import HomePage, LegalPage


def landing_page() -> HomePage | None:
    return HomePage.objects.live().first()


def legal_pages():
    return LegalPage.objects.live().order_by("path")
