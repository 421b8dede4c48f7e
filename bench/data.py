"""The benchmarks' own data, written through Django in bulk: one club, its members, threads of
100, 1,000 and 10,000 posts with reactions and attachments, and a thread for live posting.
Seeding twice reuses what is there."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from clubs.models import Club, Membership, Role
from community.models import Profile, User
from messaging import markdown
from messaging.models import Attachment, Post, Reaction, Thread

CLUB_SLUG = "banc-d-essai"
CROWD = 1000  # members who only read: the websocket clients
THREAD_SIZES = {"small": 100, "page": 1000, "big": 10_000}
POST_SOURCE = (
    "Bonjour à toutes et à tous,\n\nPour la **délibération** sur les tarifs de la cantine, "
    "voici le modèle que nous utilisons depuis l'an dernier. Le contrôle de légalité n'a rien "
    "trouvé à redire. Voir aussi [le guide](https://www.collectivites-locales.gouv.fr/)."
)


@dataclass
class Seeded:
    club: Club
    reader: User  # reads the thread pages
    posters: list[User]  # post over the websocket
    crowd: list[User]  # connect and listen
    threads: dict[str, Thread]  # "small", "page", "big", "live"


def seed() -> Seeded:
    club = Club.objects.filter(slug=CLUB_SLUG).first()
    if club is None:
        club = _seed_club()
        with connection.cursor() as cursor:
            # The planner's statistics, as autovacuum keeps them on a running site: without
            # them, the first queries after seeding scan whole tables.
            cursor.execute("ANALYZE")
    threads = {t.title.split(" ")[0]: t for t in Thread.objects.filter(club=club)}
    members = User.objects.filter(club_memberships__club=club).order_by("pk")
    crowd = list(members.filter(email__startswith="foule"))
    posters = list(members.filter(email__startswith="redaction"))
    return Seeded(
        club=club,
        reader=members.get(email="lecture@banc.test"),
        posters=posters,
        crowd=crowd,
        threads=threads,
    )


def _seed_club() -> Club:
    club = Club.objects.create(name="Banc d'essai", slug=CLUB_SLUG)
    reader = User.objects.create_user(email="lecture@banc.test", first_name="Léa")
    Membership.objects.create(user=reader, club=club, role=Role.MODERATOR)
    posters = [
        User.objects.create_user(email=f"redaction{n}@banc.test", first_name=f"Rédactrice {n}")
        for n in range(5)
    ]
    Membership.objects.bulk_create(Membership(user=u, club=club) for u in posters)
    _seed_crowd(club)
    for name, size in THREAD_SIZES.items():
        _seed_thread(club, f"{name} : {size} messages", posters, size)
    _seed_thread(club, "live : messages en direct", posters, 1)
    return club


def _seed_crowd(club: Club) -> None:
    users = User.objects.bulk_create(
        User(email=f"foule{n}@banc.test", first_name="Membre", last_name=str(n))
        for n in range(CROWD)
    )
    Profile.objects.bulk_create(Profile(user=u, handle=f"foule{u.pk}") for u in users)
    Membership.objects.bulk_create(Membership(user=u, club=club) for u in users)


def _seed_thread(club: Club, title: str, authors: list[User], size: int) -> Thread:
    """A thread of `size` posts by turns of the authors, each with two reactions and a file."""
    html = markdown.render(POST_SOURCE).html
    thread = Thread.objects.create(club=club, title=title, author=authors[0])
    start = timezone.now() - timedelta(minutes=size)
    posts = Post.objects.bulk_create(
        Post(
            thread=thread,
            author=authors[n % len(authors)],
            source=POST_SOURCE,
            html=html,
            created_at=start + timedelta(minutes=n),
        )
        for n in range(size)
    )
    kinds = [kind for kind, _emoji in Reaction.Kind.choices]
    Reaction.objects.bulk_create(
        Reaction(post=post, user=authors[(n + k) % len(authors)], kind=kinds[(n + k) % len(kinds)])
        for n, post in enumerate(posts)
        for k in (1, 2)
    )
    Attachment.objects.bulk_create(
        Attachment(
            post=post,
            uploaded_by=post.author,
            file=f"pieces-jointes/banc/{n}.pdf",
            original_name=f"deliberation-{n}.pdf",
            content_type="application/pdf",
            size=48_000,
        )
        for n, post in enumerate(posts)
    )
    Thread.objects.filter(pk=thread.pk).update(
        post_count=size, last_post=posts[-1], last_activity_at=posts[-1].created_at
    )
    thread.refresh_from_db()
    return thread


def session_cookies(users: list[User]) -> list[str]:
    """A logged-in session for each user, as `login()` would leave it: their Cookie headers."""
    store = SessionStore()
    expiry = timezone.now() + timedelta(days=1)
    sessions = []
    for user in users:
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expiry)
        )
    Session.objects.bulk_create(sessions)
    return [f"sessionid={s.session_key}" for s in sessions]
