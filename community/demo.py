"""Demonstration accounts, all with the password from settings.DEMO_PASSWORD."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group

from .models import Profile, User


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    job_title: str
    organisation: str
    departement: str = ""
    organisation_kind: str = ""
    is_staff: bool = False
    is_superuser: bool = False
    groups: tuple[str, ...] = ()


DEMO_ACCOUNTS = [
    DemoAccount(
        "secretaire@demo.test",
        "Claire",
        "Martin",
        "Secrétaire de mairie",
        "Mairie de Saint-Aubin",
        departement="26",
        organisation_kind="commune",
    ),
    DemoAccount(
        "archiviste@demo.test",
        "Julien",
        "Moreau",
        "Archiviste",
        "Communauté de communes du Val",
        departement="07",
        organisation_kind="epci",
    ),
    DemoAccount(
        "acheteur@demo.test",
        "Sophie",
        "Bernard",
        "Acheteuse publique",
        "Ville de Montbrun",
        departement="26",
        organisation_kind="commune",
    ),
    DemoAccount(
        "moderatrice@demo.test",
        "Nadia",
        "Lefèvre",
        "Secrétaire de mairie",
        "Mairie de Vernoux",
        departement="07",
        organisation_kind="commune",
    ),
    DemoAccount(
        "equipe@demo.test",
        "Marc",
        "Dubois",
        "Chargé d'accompagnement",
        "GIP numérique",
        is_staff=True,
        groups=("Editors",),
    ),
    DemoAccount(
        "admin@demo.test",
        "Alice",
        "Roux",
        "Administratrice technique",
        "GIP numérique",
        is_staff=True,
        is_superuser=True,
    ),
]


def ensure_account(account: DemoAccount) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=account.email,
        defaults={
            "first_name": account.first_name,
            "last_name": account.last_name,
            "is_staff": account.is_staff,
            "is_superuser": account.is_superuser,
        },
    )
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        Profile.objects.filter(user=user).update(
            display_name=f"{account.first_name} {account.last_name}",
            job_title=account.job_title,
            organisation=account.organisation,
            departement=account.departement,
            organisation_kind=account.organisation_kind,
        )
        user.groups.add(*Group.objects.filter(name__in=account.groups))
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user, created


def seed(log) -> None:
    for account in DEMO_ACCOUNTS:
        _, created = ensure_account(account)
        if created:
            log(f"compte créé : {account.email}")
