"""Factory fixtures shared by the whole suite."""

import io
import itertools
import os
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import world
from allauth.account.models import EmailAddress
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connections, transaction
from django.test import TestCase
from django_tasks import task_backends

from clubs.models import Ban, Club, Invitation, JoinRequest, Membership, Role, Visibility
from clubs.tokens import new_token
from cms.demo import ensure_landing_page
from cms.editorial import attach_to_guide_index
from cms.models import GuideIndexPage, GuidePage
from community.models import User
from messaging import actions as messaging_actions
from messaging import context_processors as messaging_context

_sequence = itertools.count(1)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The production shape's check runs alone, by `make deploy-check` (tests/deploy/conftest.py).
collect_ignore = [] if os.environ.get("DEPLOY_CHECK") == "1" else ["deploy"]


def clear_own_cache() -> None:
    """Empty the site's cache, and only it: on Redis, the keys under its prefix (the channel
    layer and whoever else shares the Redis database keep theirs)."""
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached values must not leak from one test into the next (nor
    the header's unread counts kept per process: a rolled-back test's ids come back)."""
    clear_own_cache()
    messaging_context.forget_unread_counts()
    yield
    clear_own_cache()
    messaging_context.forget_unread_counts()


@pytest.fixture(autouse=True)
def legal_links_read_each_time(settings):
    """The footer's legal links are kept in the cache in production; here each page reads them,
    so that query counts do not depend on which request came first (tests/cms/
    test_cms_legal_links.py keeps them, and checks they follow the pages)."""
    settings.LEGAL_LINKS_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def unread_counts_counted_each_time(settings):
    """Likewise the header's unread counts, kept per member in production; tests/messaging/
    test_messaging_header_counts.py keeps them, and checks every change shows at once."""
    settings.UNREAD_COUNTS_KEPT = False


# --- The channel layer --------------------------------------------------------------------------


@pytest.fixture
def sent(monkeypatch):
    """What reaches the channel layer, recorded instead of sent (any configured layer)."""
    messages = []

    async def record(group, message):
        messages.append((group, message))

    monkeypatch.setattr(get_channel_layer(), "group_send", record)
    return messages


@pytest.fixture
def broken_layer(monkeypatch):
    """A channel layer that cannot be reached."""

    async def refuse(group, message):
        raise ConnectionError("Connexion refusée")

    monkeypatch.setattr(get_channel_layer(), "group_send", refuse)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (and the demo's attachment) go to a fresh folder, never to media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs half a second a password: tests need the check, not the cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def powers_without_mfa(settings):
    """Most tests exercise powers, not the two-factor gate in front of them: the gate is off, and
    tests/security/test_security_powers.py and tests/community/test_community_account_security.py
    turn it on to prove it."""
    settings.REQUIRE_MFA_FOR_POWERS = False


@pytest.fixture
def deferred_tasks(settings):
    """A task backend that keeps tasks (with their run_after) instead of running them, as the
    database worker would before their time, or while it is behind."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    yield backend
    backend.clear()


@pytest.fixture
def make_user(db):
    """Create a member whose address is verified (as if they had accepted an invitation)."""

    def make(
        email: str | None = None,
        *,
        display_name: str = "",
        password: str = "motdepasse-solide-42",
        **fields,
    ) -> User:
        email = email or f"personne{next(_sequence)}@exemple.fr"
        user = User.objects.create_user(email=email, password=password, **fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if display_name:
            user.profile.display_name = display_name
            user.profile.save()
        return user

    return make


@pytest.fixture
def make_club(db):
    def make(name: str | None = None, **fields) -> Club:
        n = next(_sequence)
        fields.setdefault("slug", f"club-{n}")
        fields.setdefault("visibility", Visibility.LISTED)
        return Club.objects.create(name=name or f"Club {n}", **fields)

    return make


@pytest.fixture
def make_membership(db):
    def make(user: User, club: Club, role: str = Role.MEMBER) -> Membership:
        return Membership.objects.create(user=user, club=club, role=role)

    return make


# --- People and clubs ---------------------------------------------------------------------------


@pytest.fixture
def club(make_club):
    return make_club("Secrétaires de mairie", slug="secretaires-de-mairie")


@pytest.fixture
def other_club(make_club):
    return make_club("Archivistes", slug="archivistes")


@pytest.fixture
def owner(make_user, make_membership, club):
    user = make_user("proprietaire@mairie.fr", display_name="Odile Propriétaire")
    make_membership(user, club, Role.OWNER)
    return user


@pytest.fixture
def moderator(make_user, make_membership, club):
    user = make_user("moderatrice@mairie.fr", display_name="Nadia Lefèvre")
    make_membership(user, club, Role.MODERATOR)
    return user


@pytest.fixture
def member(make_user, make_membership, club):
    user = make_user("membre@mairie.fr", first_name="Claire", last_name="Martin")
    make_membership(user, club, Role.MEMBER)
    return user


@pytest.fixture
def author(make_user, make_membership, club):
    """Another member of the club, who writes the posts that others download or report."""
    user = make_user("auteur@mairie.fr", display_name="Bruno Petit")
    make_membership(user, club, Role.MEMBER)
    return user


@pytest.fixture
def outsider(make_user):
    return make_user("exterieur@mairie.fr", display_name="Paul Dehors")


@pytest.fixture
def other_club_member(make_user, make_membership, other_club):
    user = make_user("archiviste@mairie.fr", display_name="Inès Archives")
    make_membership(user, other_club, Role.MODERATOR)
    return user


@pytest.fixture
def staff(make_user):
    return make_user("equipe@gip.fr", is_staff=True, display_name="Marc Dubois")


@pytest.fixture
def client_for(client):
    """A test client logged in as the given person (or anonymous for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


# --- Threads and posts --------------------------------------------------------------------------


# A thread or a post is written as in production: its transaction commits, and what it leaves for
# after the commit (events, the notifications of its domain events) runs then.


@contextmanager
def committed(using: str = "default"):
    """Run what the block leaves for after its commit, as the commit of its transaction would in
    production, once: blocks nest (a helper writing a post inside a test's own block), and what
    an inner one ran is not run again by the outer one."""
    connection = connections[using]
    start = len(connection.run_on_commit)
    with TestCase.captureOnCommitCallbacks(using=using, execute=True):
        yield
    del connection.run_on_commit[start:]


@pytest.fixture
def make_thread(db):
    def make(
        club,
        author,
        *,
        title: str = "Délibération budgétaire",
        source: str = "Bonjour, comment rédigez-vous la délibération ?",
        uploads=(),
    ):
        with committed():
            return messaging_actions.start_thread(
                author=author, club=club, title=title, source=source, uploads=list(uploads)
            )

    return make


@pytest.fixture
def make_post(db):
    def make(thread, author, *, source: str = "Voici notre modèle.", uploads=()):
        with committed():
            return messaging_actions.post_reply(
                author=author, thread=thread, source=source, uploads=list(uploads)
            )

    return make


@pytest.fixture
def run_on_commit(db):
    """Run the on-commit callbacks (emails, notifications) of the block, as a real commit
    would."""
    return committed


# --- Guides (the page tree under the landing page) ------------------------------------------------


def _quiet(_message):
    """The demo's log, unused here."""


@pytest.fixture
def home(db):
    return ensure_landing_page(_quiet)


@pytest.fixture
def guide_index(home):
    index = home.add_child(instance=GuideIndexPage(title="Guides pratiques", slug="guides"))
    attach_to_guide_index(index)
    return index


@pytest.fixture
def make_guide(guide_index):
    def make(title="Préparer le budget primitif", *, audience=(), body=(), live=True, slug=None):
        guide = GuidePage(
            title=title, slug=slug or f"guide-{GuidePage.objects.count()}", body=list(body)
        )
        guide.audience = list(audience)
        guide_index.add_child(instance=guide)
        revision = guide.save_revision()
        if live:
            revision.publish()
        else:
            guide.unpublish()
        guide.refresh_from_db()
        return guide

    return make


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@contextmanager
def atomic_then_committed():
    """`transaction.atomic()` whose end runs what it left for after commit, as the end of an
    outermost block does in production (inside a test it is only a savepoint)."""
    with committed(), transaction.atomic():
        yield


@pytest.fixture
def seed_demo(db, monkeypatch):
    """Run `manage.py seed_demo`, each app's seed committed before the next one starts as on a
    real database (the notifications of messaging's posts exist when notifications' seed runs);
    returns what it printed."""
    monkeypatch.setattr(
        "entrepairs.management.commands.seed_demo.transaction",
        SimpleNamespace(atomic=atomic_then_committed),
    )

    def run() -> str:
        output = io.StringIO()
        call_command("seed_demo", stdout=output)
        return output.getvalue()

    return run


@pytest.fixture
def demo_data(seed_demo):
    """The demonstration data of `manage.py seed_demo`."""
    seed_demo()


@pytest.fixture
def make_invitation(db):
    """An invitation created directly (no email); returns (invitation, raw token)."""

    def make(club: Club, email: str, **kw) -> tuple[Invitation, str]:
        raw, token_hash = new_token()
        return Invitation.objects.create(club=club, email=email, token_hash=token_hash, **kw), raw

    return make


@pytest.fixture
def make_join_request(db):
    def make(user: User, club: Club, **kw) -> JoinRequest:
        return JoinRequest.objects.create(user=user, club=club, **kw)

    return make


@pytest.fixture
def make_ban(db):
    def make(user: User, club: Club, **kw) -> Ban:
        return Ban.objects.create(user=user, club=club, **kw)

    return make


@pytest.fixture
def club_world(
    make_user, make_club, make_membership, make_invitation, make_join_request, make_ban, settings,
    tmp_path,
):  # fmt: skip
    """A club with people in every situation and an object for each of its pages (world.py)."""
    return world.build_world(
        make_user, make_club, make_membership, make_invitation, make_join_request, make_ban,
        settings, tmp_path,
    )  # fmt: skip
