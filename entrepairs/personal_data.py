"""« Télécharger mes données »: a ZIP of JSON files and of the files the member uploaded.

Only the member's own rows go in: their account and profile, their memberships, their posts
(with the thread's title and club for context, never the other posts; a club they may no longer
read goes unnamed), their reactions, and whatever each further section returns. A section is
one small function `(user) -> data` listed in `SECTIONS`; one returning None is left out.

The archive is built at the request, in a temporary file (in memory up to a few megabytes):
one member's data is small enough to answer at once.
"""

import json
import tempfile
import zipfile

from django.core.files.storage import default_storage

from clubs import access
from clubs.models import Membership
from community.models import User
from notifications.personal_data import export as notifications_export

SPOOL_BYTES = 8 * 1024 * 1024


def _when(value) -> str | None:
    return value.isoformat() if value else None


def profile_section(user: User) -> dict:
    profile = user.profile
    return {
        "adresse_electronique": user.email,
        "prenom": user.first_name,
        "nom": user.last_name,
        "inscrit_le": _when(user.date_joined),
        "derniere_connexion": _when(user.last_login),
        "nom_affiche": profile.display_name,
        "identifiant_de_mention": profile.handle,
        "fonction": profile.job_title,
        "organisme": profile.organisation,
        "type_d_organisme": profile.organisation_kind,
        "siret": profile.siret,
        "departement": profile.departement,
        "presentation": profile.bio,
        "telephone": profile.phone,
        "visibilite_adresse": profile.email_visibility,
        "visibilite_telephone": profile.phone_visibility,
        "photo": "fichiers/photo.jpg" if profile.avatar else None,
    }


def memberships_section(user: User) -> list[dict]:
    memberships = Membership.objects.filter(user=user).select_related("club").order_by("pk")
    return [
        {"club": m.club.name, "role": m.role, "arrivee_le": _when(m.joined_at)} for m in memberships
    ]


def posts_section(user: User) -> list[dict]:
    from messaging.models import Post

    posts = (
        Post.objects.filter(author=user)
        .select_related("thread__club")
        .prefetch_related("attachments")
        .order_by("pk")
    )
    # A thread of theirs may have moved to a club they do not belong to (a secret one, maybe).
    readable = set(access.readable_clubs(user).values_list("pk", flat=True))
    return [
        {
            "id": post.pk,
            "club": post.thread.club.name if post.thread.club_id in readable else None,
            "fil": post.thread.title,
            "texte": post.source,
            "ecrit_le": _when(post.created_at),
            "modifie_le": _when(post.edited_at),
            "supprime_le": _when(post.deleted_at),
            "pieces_jointes": [_attachment_path(a) for a in post.attachments.all()],
        }
        for post in posts
    ]


def reactions_section(user: User) -> list[dict]:
    from messaging.models import Reaction

    reactions = Reaction.objects.filter(user=user).select_related("post__thread").order_by("pk")
    return [
        {
            "message": r.post_id,
            "fil": r.post.thread.title,
            "reaction": r.kind,
            "le": _when(r.created_at),
        }
        for r in reactions
    ]


SECTIONS = {
    "profil.json": profile_section,
    "adhesions.json": memberships_section,
    "messages.json": posts_section,
    "reactions.json": reactions_section,
    "notifications.json": notifications_export,
}


def _attachment_path(attachment) -> str:
    return f"fichiers/pieces-jointes/{attachment.pk}-{attachment.original_name}"


def _uploaded_files(user: User):
    """(path in the archive, storage name) of every file the member uploaded."""
    from messaging.models import Attachment

    if user.profile.avatar:
        yield "fichiers/photo.jpg", user.profile.avatar.name
    for attachment in Attachment.objects.filter(uploaded_by=user).order_by("pk"):
        yield _attachment_path(attachment), attachment.file.name


def build_archive(user: User):
    """The member's archive, as an open temporary file positioned at its start."""
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, section in SECTIONS.items():
            data = section(user)
            if data is not None:
                zipped.writestr(name, json.dumps(data, ensure_ascii=False, indent=2))
        for path, stored_name in _uploaded_files(user):
            if default_storage.exists(stored_name):
                with default_storage.open(stored_name, "rb") as stored:
                    zipped.writestr(path, stored.read())
    archive.seek(0)
    return archive
