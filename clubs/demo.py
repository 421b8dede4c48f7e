"""Demonstration clubs. Runs after community.demo (its accounts exist). Idempotent: every object
is fetched or created, and audit events are written only when something is created; a second run
changes nothing."""

from typing import TypedDict

from community.demo import DemoAccount, ensure_account
from community.models import User

from .models import (
    Club,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    Profession,
    Role,
    Visibility,
)
from .tokens import new_token

STAFF_OWNER = "equipe@demo.test"

EXTRA_ACCOUNTS = [
    DemoAccount(
        "isabelle.garnier@demo.test",
        "Isabelle",
        "Garnier",
        "Secrétaire de mairie",
        "Mairie de Lussac-les-Églises",
    ),
    DemoAccount(
        "thomas.girard@demo.test",
        "Thomas",
        "Girard",
        "Secrétaire de mairie",
        "Mairie de Champeaux",
    ),
    DemoAccount(
        "helene.fournier@demo.test",
        "Hélène",
        "Fournier",
        "Archiviste itinérante",
        "Centre de gestion de la fonction publique territoriale",
    ),
    DemoAccount(
        "pierre.lambert@demo.test",
        "Pierre",
        "Lambert",
        "Responsable des archives",
        "Ville de Belmont",
    ),
    DemoAccount(
        "camille.rousseau@demo.test",
        "Camille",
        "Rousseau",
        "Responsable de la commande publique",
        "Communauté d'agglomération des Deux Rives",
    ),
    DemoAccount(
        "antoine.mercier@demo.test",
        "Antoine",
        "Mercier",
        "Acheteur public",
        "Syndicat intercommunal des eaux",
    ),
    DemoAccount(
        "laurence.blanc@demo.test",
        "Laurence",
        "Blanc",
        "Déléguée à la protection des données",
        "Communauté de communes du Val",
    ),
]


class DemoClub(TypedDict):
    slug: str
    name: str
    profession: str
    visibility: str
    description: str
    members: list[tuple[str, str]]


CLUBS: list[DemoClub] = [
    {
        "slug": "secretaires-de-mairie",
        "name": "Secrétaires de mairie",
        "profession": Profession.SECRETAIRE_MAIRIE,
        "visibility": Visibility.LISTED,
        "description": (
            "Le club des secrétaires de mairie : état civil, urbanisme, budget, conseil "
            "municipal… On s'entraide entre collègues des petites communes."
        ),
        "members": [
            ("moderatrice@demo.test", Role.MODERATOR),
            ("secretaire@demo.test", Role.MEMBER),
            ("isabelle.garnier@demo.test", Role.MEMBER),
            ("thomas.girard@demo.test", Role.MEMBER),
        ],
    },
    {
        "slug": "archivistes",
        "name": "Archivistes",
        "profession": Profession.ARCHIVISTE,
        "visibility": Visibility.LISTED,
        "description": (
            "Tri, éliminations réglementaires, archivage électronique, communication des "
            "documents : le club des archivistes des collectivités."
        ),
        "members": [
            ("archiviste@demo.test", Role.MEMBER),
            ("helene.fournier@demo.test", Role.MEMBER),
            ("pierre.lambert@demo.test", Role.MEMBER),
        ],
    },
    {
        "slug": "acheteurs-publics",
        "name": "Acheteurs publics",
        "profession": Profession.ACHETEUR_PUBLIC,
        "visibility": Visibility.LISTED,
        "description": (
            "Marchés publics, procédures adaptées, clauses sociales et environnementales : "
            "le club des acheteuses et acheteurs publics."
        ),
        "members": [
            ("acheteur@demo.test", Role.MEMBER),
            ("camille.rousseau@demo.test", Role.MEMBER),
            ("antoine.mercier@demo.test", Role.MEMBER),
        ],
    },
    {
        "slug": "referents-rgpd",
        "name": "Référents RGPD",
        "profession": Profession.AUTRE,
        "visibility": Visibility.SECRET,
        "description": "Club réservé aux référentes et référents RGPD des collectivités.",
        "members": [("laurence.blanc@demo.test", Role.MEMBER)],
    },
]

PENDING_INVITATION = ("secretaires-de-mairie", "nouvelle.secretaire@demo.test")
PENDING_JOIN_REQUEST = (
    "archivistes",
    "acheteur@demo.test",
    "Bonjour, je travaille souvent avec notre archiviste sur les marchés : puis-je rejoindre "
    "le club pour suivre vos échanges ?",
)


def _membership(club: Club, user: User, role: str, staff: User, log) -> None:
    membership, created = Membership.objects.get_or_create(
        user=user, club=club, defaults={"role": role, "invited_by": staff}
    )
    if created:
        kind = (
            MembershipEvent.Kind.OWNER_NAMED
            if role == Role.OWNER
            else MembershipEvent.Kind.INVITATION_ACCEPTED
        )
        MembershipEvent.objects.create(
            club=club,
            actor=staff if role == Role.OWNER else user,
            target_user=user,
            target_email=user.email,
            kind=kind,
            detail={"role": role, "demo": True},
        )
        log(f"{user.email} : {membership.get_role_display()} du club {club.name}")


def seed(log) -> None:
    for account in EXTRA_ACCOUNTS:
        _, created = ensure_account(account)
        if created:
            log(f"compte créé : {account.email}")

    staff = User.objects.get(email=STAFF_OWNER)
    clubs = {}
    for spec in CLUBS:
        club, created = Club.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "profession": spec["profession"],
                "visibility": spec["visibility"],
                "description": spec["description"],
                "created_by": staff,
            },
        )
        clubs[club.slug] = club
        if created:
            MembershipEvent.objects.create(
                club=club,
                actor=staff,
                kind=MembershipEvent.Kind.CLUB_CREATED,
                detail={"name": club.name, "demo": True},
            )
            log(f"club créé : {club.name}")
        _membership(club, staff, Role.OWNER, staff, log)
        for email, role in spec["members"]:
            _membership(club, User.objects.get(email=email), role, staff, log)

    slug, email = PENDING_INVITATION
    club = clubs[slug]
    if not Invitation.objects.filter(club=club, email=email).exists():
        # Created directly, without an email: the raw token is thrown away (the demo link is
        # not needed; a moderator can "resend" it to get a working one).
        _raw, token_hash = new_token()
        inviter = User.objects.get(email="moderatrice@demo.test")
        invitation = Invitation.objects.create(
            club=club, email=email, token_hash=token_hash, invited_by=inviter
        )
        MembershipEvent.objects.create(
            club=club,
            actor=inviter,
            target_email=email,
            kind=MembershipEvent.Kind.INVITED,
            detail={"invitation": invitation.pk, "role": Role.MEMBER, "demo": True},
        )
        log(f"invitation en attente : {email} → {club.name}")

    slug, email, message = PENDING_JOIN_REQUEST
    club = clubs[slug]
    user = User.objects.get(email=email)
    if not JoinRequest.objects.filter(club=club, user=user).exists():
        join_request = JoinRequest.objects.create(club=club, user=user, message=message)
        MembershipEvent.objects.create(
            club=club,
            actor=user,
            target_user=user,
            target_email=user.email,
            kind=MembershipEvent.Kind.JOIN_REQUESTED,
            detail={"join_request": join_request.pk, "demo": True},
        )
        log(f"demande d'adhésion en attente : {email} → {club.name}")
