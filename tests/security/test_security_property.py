"""A stateful property test of the access rules across every channel.

Random sequences of the real actions (invitations, join requests, removals, bans, unbans,
departures, removals and bans made in the Django admin, account deletions with or without erasing
the posts, threads, replies, edits, hides, restores, deletions, thread moves, guide audience
changes) run against a small world: three clubs (two listed, one secret), five people (one of them
staff) and a few guides. A plain-Python model follows the same steps. After each step, for every
person, the marker words each channel lets out — the club's thread list, the thread page as the
browser gets it, search (titles, snippets, counts), notifications, guides (listing and page rule),
the websocket's subscribe check and catch-up, and the person's own data export — are compared with
what the model says they may see: never more, and for the listings and search not less either.
Nobody follows a thread or keeps a notification of a club they can no longer read.

The run is bounded and derandomised for CI; PROPERTY_EXAMPLES and PROPERTY_STEPS make it longer
(see docs/security.md for the longer run and its result).
"""

import json
import os
import re
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.test import Client, TestCase
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from clubs import access
from clubs import actions as club_actions
from clubs.models import Ban, JoinRequest, Membership, Visibility
from cms import selectors as cms_selectors
from cms.models import GuideIndexPage, GuidePage
from community import after_commit, event_log
from community.action_errors import ActionError
from community.models import User
from entrepairs import account_deletion
from entrepairs.personal_data import posts_section
from messaging import actions as messaging_actions
from messaging import selectors as messaging_selectors
from messaging.frames import may_follow
from messaging.models import Post, Thread, ThreadSubscription
from notifications import selectors as notification_selectors
from notifications.models import Audience, Kind, Notification
from search.sources import Criteria, search

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "5"))
STEPS = int(os.environ.get("PROPERTY_STEPS", "12"))

#: Every title, post and guide holds this word (so one search finds them all) and a marker.
COMMON_WORD = "zorglub"
MARKER = re.compile(r"mk\d{4}x")

CLUBS = ("alpha", "beta", "secret")
PEOPLE = ("staff", "ana", "bob", "cy", "dee")
OWNERS = {"alpha": {"ana"}, "beta": {"bob"}, "secret": {"ana", "bob"}}
#: Who joins and leaves: everyone but the owners' own clubs (owners stay, the club keeps one).
NEWCOMERS = ("staff", "ana", "bob", "cy", "dee")


def markers_in(text: str) -> set[str]:
    return set(MARKER.findall(text))


def committed():
    """Run what waits for the commit (the example itself never commits), as a commit would:
    the loss of access is handled after commit (community.domain_events)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@dataclass
class ModelPost:
    marker: str
    author: str
    old_markers: set[str] = field(default_factory=set)
    hidden: bool = False
    deleted: bool = False

    @property
    def visible(self) -> bool:
        return not (self.hidden or self.deleted)


@dataclass
class ModelThread:
    marker: str
    club: str
    posts: dict[int, ModelPost] = field(default_factory=dict)
    #: Clubs it was in before a move: their members were told of it then.
    former_clubs: set[str] = field(default_factory=set)


class World(RuleBasedStateMachine):
    """The database world and its model, side by side."""

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint rolled back at teardown: a clean database each time.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.counter = 0
        self.members: dict[str, set[str]] = {}
        self.bans: set[tuple[str, str]] = set()
        self.threads: dict[int, ModelThread] = {}
        self.guides: dict[int, tuple[str, set[str]]] = {}  # pk -> (marker, audience club names)
        self.erased_names: set[str] = set()  # display names of deleted accounts

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def marker(self) -> str:
        self.counter += 1
        return f"mk{self.counter:04d}x"

    # --- The world ------------------------------------------------------------------------------

    @initialize()
    def build_world(self):
        self.users, self.clients = {}, {}
        for name in PEOPLE:
            self._open_account(name)
        self.root = User.objects.create_user(
            email="racine@exemple.fr", password="motdepasse-solide-42", is_staff=True
        )
        self.root.is_superuser = True
        self.root.save()
        self.admin = Client()
        self.admin.force_login(self.root)
        staff = self.users["staff"]
        self.clubs = {}
        for name in CLUBS:
            visibility = Visibility.SECRET if name == "secret" else Visibility.LISTED
            club = club_actions.create_club(actor=staff, name=f"Club {name}", visibility=visibility)
            for owner in sorted(OWNERS[name]):
                club_actions.name_owner(actor=staff, club=club, user=self.users[owner])
            self.clubs[name] = club
            self.members[name] = set(OWNERS[name])
        # A plain member from the start, so that the first steps may take their access away.
        self.invite_and_accept(club="alpha", person="cy", by_staff=True)
        for audience in ((), ("alpha",), ("secret",)):
            self._publish_guide(None, audience)
        for name in CLUBS:  # a thread in each club, so that the first steps have posts to act on
            self.start_thread(club=name, person=self.manager_of(name))
        # ...and a reply of the plain member, so that deleting their account has words to unsign.
        [in_alpha] = [pk for pk, thread in self.threads.items() if thread.club == "alpha"]
        self._reply(in_alpha, "cy")

    def _open_account(self, name: str) -> None:
        """A person's account and logged-in browser (again after they deleted the account)."""
        user = User.objects.create_user(
            email=f"{name}@exemple.fr", password="motdepasse-solide-42", is_staff=name == "staff"
        )
        user.profile.display_name = f"Nom{name.capitalize()}{len(self.erased_names)}"
        user.profile.save()
        self.users[name] = user
        self.clients[name] = Client()
        self.clients[name].force_login(user)

    def _publish_guide(self, pk, audience) -> None:
        if pk is None:
            marker = self.marker()
            guide = GuidePage(title=f"Guide {COMMON_WORD} {marker}", slug=f"guide-{marker}")
            GUIDE_INDEX[0].add_child(instance=guide)
        else:
            marker = self.guides[pk][0]
            guide = GuidePage.objects.get(pk=pk)
        guide.audience = [self.clubs[name] for name in audience]
        guide.save_revision().publish()
        self.guides[guide.pk] = (marker, set(audience))

    # --- Model questions ------------------------------------------------------------------------

    def is_member(self, person: str, club: str) -> bool:
        return person in self.members[club]

    def is_manager(self, person: str, club: str) -> bool:
        return person in OWNERS[club]

    def manager_of(self, club: str) -> str:
        return sorted(OWNERS[club])[0]

    def readable_clubs(self, person: str) -> set[str]:
        return {club for club in CLUBS if self.is_member(person, club)}

    def may_read_guide(self, person: str, audience: set[str]) -> bool:
        return person == "staff" or not audience or bool(audience & self.readable_clubs(person))

    def thread_markers(self, person: str, thread: ModelThread, *, required: bool) -> set[str]:
        """What the thread page may show the person (all of it), or must show (required)."""
        if not self.is_member(person, thread.club):
            return set()
        found = {thread.marker}
        for post in thread.posts.values():
            if post.visible:
                found.add(post.marker)
                if not required:
                    found |= post.old_markers  # the history of an edited post
            elif post.hidden and not post.deleted and self.is_manager(person, thread.club):
                found.add(post.marker)  # moderators see what they hid, to restore it
                if not required:
                    found |= post.old_markers
        return found

    def allowed_markers(self, person: str) -> set[str]:
        found = set()
        for thread in self.threads.values():
            found |= self.thread_markers(person, thread, required=False)
        for marker, audience in self.guides.values():
            if self.may_read_guide(person, audience):
                found.add(marker)
        return found

    # --- Picking objects ------------------------------------------------------------------------

    def pick_thread(self, data, person: str, *, manager=False):
        choices = [
            pk
            for pk, thread in sorted(self.threads.items())
            if (self.is_manager if manager else self.is_member)(person, thread.club)
        ]
        if not choices:
            return None
        return data.draw(st.sampled_from(choices))

    def pick_post(self, data, person, predicate):
        choices = [
            (thread_pk, post_pk)
            for thread_pk, thread in sorted(self.threads.items())
            for post_pk, post in sorted(thread.posts.items())
            if predicate(thread, post)
        ]
        if not choices:
            return None
        return data.draw(st.sampled_from(choices))

    # --- Membership rules -----------------------------------------------------------------------

    @rule(club=st.sampled_from(CLUBS), person=st.sampled_from(NEWCOMERS), by_staff=st.booleans())
    def invite_and_accept(self, club, person, by_staff):
        actor = self.users["staff" if by_staff else self.manager_of(club)]
        user = self.users[person]
        if self.is_member(person, club) or (club, person) in self.bans:
            with pytest.raises(ActionError):
                club_actions.invite_member(actor=actor, club=self.clubs[club], email=user.email)
            return
        _invitation, raw = club_actions.invite_member(
            actor=actor, club=self.clubs[club], email=user.email
        )
        club_actions.accept_invitation(user=user, raw_token=raw)
        self.members[club].add(person)

    @rule(club=st.sampled_from(CLUBS), person=st.sampled_from(NEWCOMERS), approve=st.booleans())
    def request_to_join(self, club, person, approve):
        user, target = self.users[person], self.clubs[club]
        if club == "secret" or self.is_member(person, club) or (club, person) in self.bans:
            with pytest.raises(ActionError):
                club_actions.request_to_join(user=user, club=target)
            return
        join_request = club_actions.request_to_join(user=user, club=target)
        actor = self.users[self.manager_of(club)]
        if approve:
            club_actions.approve_join_request(actor=actor, join_request=join_request)
            self.members[club].add(person)
        else:
            club_actions.refuse_join_request(actor=actor, join_request=join_request)
        assert not JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).exists()

    @rule(data=st.data(), by_staff=st.booleans())
    def remove_member(self, data, by_staff):
        targets = [(c, p) for c in CLUBS for p in sorted(self.members[c]) if p not in OWNERS[c]]
        if not targets:
            return
        club, person = data.draw(st.sampled_from(targets))
        actor = self.users["staff" if by_staff else self.manager_of(club)]
        if actor == self.users[person]:
            return
        membership = Membership.objects.get(user=self.users[person], club=self.clubs[club])
        with committed():
            club_actions.remove_member(actor=actor, membership=membership)
        self.members[club].discard(person)

    @rule(club=st.sampled_from(CLUBS), person=st.sampled_from(("cy", "dee", "staff")))
    def ban(self, club, person):
        actor = self.users[self.manager_of(club)]
        if (club, person) in self.bans:
            with pytest.raises(ActionError):
                club_actions.ban_member(actor=actor, club=self.clubs[club], user=self.users[person])
            return
        with committed():
            club_actions.ban_member(actor=actor, club=self.clubs[club], user=self.users[person])
        self.members[club].discard(person)
        self.bans.add((club, person))

    @precondition(lambda self: self.bans)
    @rule(data=st.data())
    def unban(self, data):
        club, person = data.draw(st.sampled_from(sorted(self.bans)))
        ban = Ban.objects.get(club=self.clubs[club], user=self.users[person])
        club_actions.unban(actor=self.users["staff"], ban=ban)
        self.bans.discard((club, person))

    @rule(club=st.sampled_from(CLUBS), person=st.sampled_from(("cy", "dee", "staff")))
    def leave(self, club, person):
        if not self.is_member(person, club):
            with pytest.raises(ActionError):
                club_actions.leave_club(user=self.users[person], club=self.clubs[club])
            return
        with committed():
            club_actions.leave_club(user=self.users[person], club=self.clubs[club])
        self.members[club].discard(person)

    @rule(data=st.data(), ban=st.booleans())
    def remove_or_ban_in_the_admin(self, data, ban):
        """The Django admin's actions on memberships (they run the site's actions)."""
        targets = [(c, p) for c in CLUBS for p in sorted(self.members[c]) if p not in OWNERS[c]]
        if not targets:
            return
        club, person = data.draw(st.sampled_from(targets))
        membership = Membership.objects.get(user=self.users[person], club=self.clubs[club])
        action = "ban_from_club" if ban else "remove_from_club"
        with committed():
            response = self.admin.post(
                reverse("admin:clubs_membership_changelist"),
                {"action": action, "_selected_action": [membership.pk]},
            )
        assert response.status_code == 302
        self.members[club].discard(person)
        if ban:
            self.bans.add((club, person))

    @rule(person=st.sampled_from(("cy", "dee")), erase_posts=st.booleans())
    def delete_account(self, person, erase_posts):
        """The person deletes their account, then comes back later with a new one."""
        self.erased_names.add(self.users[person].display_name)
        with committed():
            account_deletion.delete_account(user=self.users[person], erase_posts=erase_posts)
        for thread in self.threads.values():
            for post in thread.posts.values():
                if post.author == person:
                    post.author = None  # « Ancien membre »
                    post.deleted = post.deleted or erase_posts
                    post.old_markers = set() if erase_posts else post.old_markers
        for club in CLUBS:
            self.members[club].discard(person)
        self.bans = {(club, banned) for club, banned in self.bans if banned != person}
        self._open_account(person)

    # --- Discussion rules -----------------------------------------------------------------------

    @rule(club=st.sampled_from(CLUBS), person=st.sampled_from(PEOPLE))
    def start_thread(self, club, person):
        title, first = self.marker(), self.marker()
        call = dict(
            author=self.users[person],
            club=self.clubs[club],
            title=f"Fil {COMMON_WORD} {title}",
            source=f"Question {COMMON_WORD} {first}",
        )
        if not self.is_member(person, club):
            with pytest.raises(PermissionDenied):
                messaging_actions.start_thread(**call)
            return
        thread = messaging_actions.start_thread(**call)
        post = thread.posts.get()
        self.threads[thread.pk] = ModelThread(title, club, {post.pk: ModelPost(first, person)})

    @precondition(lambda self: self.threads)
    @rule(data=st.data(), person=st.sampled_from(PEOPLE))
    def post_reply(self, data, person):
        self._reply(data.draw(st.sampled_from(sorted(self.threads))), person)

    def _reply(self, thread_pk: int, person: str) -> None:
        thread = self.threads[thread_pk]
        marker = self.marker()
        call = dict(
            author=self.users[person],
            thread=Thread.objects.get(pk=thread_pk),
            source=f"Réponse {COMMON_WORD} {marker}",
        )
        if not self.is_member(person, thread.club):
            with pytest.raises(PermissionDenied):
                messaging_actions.post_reply(**call)
            return
        post = messaging_actions.post_reply(**call)
        thread.posts[post.pk] = ModelPost(marker, person)

    @precondition(lambda self: self.threads)
    @rule(data=st.data())
    def edit_post(self, data):
        found = self.pick_post(
            data, None, lambda t, p: p.visible and self.is_member(p.author, t.club)
        )
        if found is None:
            return
        thread_pk, post_pk = found
        post = self.threads[thread_pk].posts[post_pk]
        marker = self.marker()
        messaging_actions.edit_post(
            editor=self.users[post.author],
            post=Post.objects.get(pk=post_pk),
            source=f"Modifié {COMMON_WORD} {marker}",
        )
        post.old_markers.add(post.marker)
        post.marker = marker

    @precondition(lambda self: self.threads)
    @rule(data=st.data(), person=st.sampled_from(PEOPLE))
    def hide_post(self, data, person):
        found = self.pick_post(data, person, lambda t, p: not p.hidden)
        if found is None:
            return
        thread_pk, post_pk = found
        thread = self.threads[thread_pk]
        call = dict(moderator=self.users[person], post=Post.objects.get(pk=post_pk), reason="Hors")
        if not self.is_manager(person, thread.club):
            with pytest.raises(PermissionDenied):
                messaging_actions.hide_post(**call)
            return
        messaging_actions.hide_post(**call)
        thread.posts[post_pk].hidden = True

    @precondition(lambda self: self.threads)
    @rule(data=st.data())
    def restore_post(self, data):
        found = self.pick_post(data, None, lambda t, p: p.hidden)
        if found is None:
            return
        thread_pk, post_pk = found
        thread = self.threads[thread_pk]
        messaging_actions.restore_post(
            moderator=self.users[self.manager_of(thread.club)], post=Post.objects.get(pk=post_pk)
        )
        thread.posts[post_pk].hidden = False

    @precondition(lambda self: self.threads)
    @rule(data=st.data())
    def delete_post(self, data):
        found = self.pick_post(
            data, None, lambda t, p: not p.deleted and self.is_member(p.author, t.club)
        )
        if found is None:
            return
        thread_pk, post_pk = found
        post = self.threads[thread_pk].posts[post_pk]
        messaging_actions.delete_post(
            user=self.users[post.author], post=Post.objects.get(pk=post_pk)
        )
        post.deleted = True

    @precondition(lambda self: self.threads)
    @rule(data=st.data(), to_club=st.sampled_from(CLUBS), person=st.sampled_from(("ana", "bob")))
    def move_thread(self, data, to_club, person):
        thread_pk = data.draw(st.sampled_from(sorted(self.threads)))
        thread = self.threads[thread_pk]
        if thread.club == to_club:
            return
        call = dict(
            moderator=self.users[person],
            thread=Thread.objects.select_related("club").get(pk=thread_pk),
            to_club=self.clubs[to_club],
        )
        if not (self.is_manager(person, thread.club) and self.is_manager(person, to_club)):
            with pytest.raises(PermissionDenied):
                messaging_actions.move_thread(**call)
            return
        messaging_actions.move_thread(**call)
        thread.former_clubs.add(thread.club)
        thread.club = to_club

    # --- Guides ---------------------------------------------------------------------------------

    @rule(data=st.data(), audience=st.sets(st.sampled_from(CLUBS), max_size=2))
    def change_guide_audience(self, data, audience):
        pk = data.draw(st.sampled_from(sorted(self.guides)))
        self._publish_guide(pk, tuple(sorted(audience)))

    # --- The invariant --------------------------------------------------------------------------

    @invariant()
    def every_channel_matches_the_model(self):
        if not hasattr(self, "users"):
            return
        for person in PEOPLE:
            allowed = self.allowed_markers(person)
            self.check_club_pages(person)
            self.check_thread_pages(person)
            self.check_search(person, allowed)
            self.check_notifications(person)
            self.check_guides(person)
            self.check_websocket(person)
            self.check_export(person)
            self.check_follows_and_notifications(person)

    def check_club_pages(self, person):
        user = self.users[person]
        for name, club in self.clubs.items():
            expected = {t.marker for t in self.threads.values() if t.club == name}
            if not self.is_member(person, name):
                with pytest.raises(Http404):
                    access.access_club_content(user, club.slug)
                continue
            access.access_club_content(user, club.slug)
            listed = " ".join(t.title for t in messaging_selectors.club_threads(club, user))
            assert markers_in(listed) == expected, (person, name)

    def check_thread_pages(self, person):
        client = self.clients[person]
        for pk, thread in self.threads.items():
            club = self.clubs[thread.club]
            # From its first post (by default the page opens at the first unread one).
            url = reverse("messaging:thread", args=[club.slug, pk])
            response = client.get(url, {"depuis": 0})
            if not self.is_member(person, thread.club):
                assert response.status_code == 404, (person, pk)
                continue
            assert response.status_code == 200, (person, pk)
            shown = markers_in(response.content.decode())
            assert self.thread_markers(person, thread, required=True) <= shown, (person, pk)
            assert shown <= self.thread_markers(person, thread, required=False), (person, pk)

    def check_search(self, person, allowed):
        readable = self.readable_clubs(person)
        expected_counts = {
            "fils": sum(t.club in readable for t in self.threads.values()),
            "messages": sum(
                p.visible
                for t in self.threads.values()
                if t.club in readable
                for p in t.posts.values()
            ),
            "guides": sum(self.may_read_guide(person, a) for _m, a in self.guides.values()),
        }
        for group in search(self.users[person], Criteria(text=COMMON_WORD)):
            if group.key in expected_counts:
                assert group.count == expected_counts[group.key], (person, group.key)
            for hit in group.hits:
                assert markers_in(f"{hit.title} {hit.snippet} {hit.url}") <= allowed, person

    def check_notifications(self, person):
        """Notifications name threads: those the person may read, or that they were told of
        before the thread moved, while they remain members of the club it was in (a notice
        already received is not taken back; leaving that club takes it away)."""
        allowed = {
            t.marker
            for t in self.threads.values()
            if any(self.is_member(person, club) for club in {t.club} | t.former_clubs)
        }
        texts = " ".join(
            n.text for n in notification_selectors.notifications_page_list(self.users[person])
        )
        assert markers_in(texts) <= allowed, person

    def check_guides(self, person):
        user = self.users[person]
        expected = {
            m for m, audience in self.guides.values() if self.may_read_guide(person, audience)
        }
        listed = " ".join(g.title for g in cms_selectors.guides_for(user))
        assert markers_in(listed) == expected, person
        for guide in GuidePage.objects.filter(pk__in=self.guides):
            marker, audience = self.guides[guide.pk]
            assert cms_selectors.may_read_guide(user, guide) == self.may_read_guide(
                person, audience
            )

    def check_websocket(self, person):
        """The subscribe check, then what a catch-up from the start of each stream sends."""
        user = self.users[person]
        allowed = self.allowed_markers(person)
        streams = [after_commit.group_name("user", user.pk)]
        for name, club in self.clubs.items():
            stream = after_commit.group_name("club", club.pk)
            assert may_follow(user.pk, stream) == self.is_member(person, name), (person, name)
            if self.is_member(person, name):
                streams.append(stream)
        for stream in streams:
            missed = event_log.events_after(stream, 0) or []
            sent = json.dumps([event.as_frame() for event in missed], ensure_ascii=False)
            assert markers_in(sent) <= allowed, (person, stream, markers_in(sent) - allowed)
            assert not [name for name in self.erased_names if name in sent], (person, stream)

    def check_follows_and_notifications(self, person):
        """Whoever cannot read a club follows none of its threads and keeps nothing they were
        told of its content or its moderation (the answer to a join request concerns the club's
        public face: it stays)."""
        user = self.users[person]
        readable = [self.clubs[name].pk for name in self.readable_clubs(person)]
        followed = ThreadSubscription.objects.filter(user=user).exclude(thread__club__in=readable)
        assert not followed.exists(), person
        of_content = Q(kind__in=[Kind.MENTION, Kind.REPLY, Kind.NEW_THREAD])
        told = Notification.objects.filter(of_content | Q(audience=Audience.MODERATORS))
        assert not told.filter(recipient=user).exclude(club__in=readable).exists(), person

    def check_export(self, person):
        """The export holds the person's own posts (and the titles of their threads), only."""
        own = set()
        for thread in self.threads.values():
            mine = [p for p in thread.posts.values() if p.author == person]
            for post in mine:
                own |= {post.marker, thread.marker}
        exported = json.dumps(posts_section(self.users[person]))
        assert markers_in(exported) <= own, person


GUIDE_INDEX: list[GuideIndexPage] = []


@pytest.mark.django_db
def test_what_every_channel_shows_matches_the_model(guide_index):
    GUIDE_INDEX[:] = [guide_index]
    run_state_machine_as_test(
        World,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            derandomize=True,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            print_blob=True,
        ),
    )
