"""Reads of members: the directory. Query counts do not grow with the number of people."""

from django.db.models import F, Prefetch, QuerySet

from clubs import access
from clubs.models import Club, Membership
from community.fulltext import contains_every_word, person_name
from community.models import User


def directory(
    viewer: User,
    *,
    club: Club | None = None,
    role: str = "",
    departement: str = "",
    organisation: str = "",
    name: str = "",
) -> QuerySet[User]:
    """The people who share an active club with the viewer (the viewer aside), each with the
    memberships of the clubs they share with the viewer (`shared_memberships`). `name` and
    `organisation` match each of their words, accents and case ignored."""
    viewer_clubs = access.member_clubs(viewer)
    if club is not None:
        viewer_clubs = viewer_clubs.filter(pk=club.pk)
    people = access.people_sharing_a_club_with(viewer, via_clubs=viewer_clubs).exclude(pk=viewer.pk)
    if role:
        people = people.filter(
            pk__in=Membership.objects.filter(club__in=viewer_clubs, role=role).values("user_id")
        )
    if departement:
        people = people.filter(profile__departement=departement)
    # Accents and case ignored on every database: « lefevre » finds « Lefèvre ».
    people = contains_every_word(people, F("profile__organisation"), organisation)
    people = contains_every_word(people, person_name(), name)
    shared = Membership.objects.filter(club__in=viewer_clubs).select_related("club")
    return (
        people.select_related("profile")
        .prefetch_related(
            Prefetch(
                "club_memberships",
                queryset=shared.order_by("club__name"),
                to_attr="shared_memberships",
            )
        )
        .order_by("profile__display_name", "last_name", "first_name", "email")
    )
