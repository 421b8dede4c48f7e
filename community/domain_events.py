"""Named domain events: how a lower app makes higher ones react without importing them.

The app where something happens announces it by name, with ids (`announce("access_ended",
user_id=7, club_ids=[3])`); an app above registers its handler for that name in its
`AppConfig.ready()` (`@domain_events.handles("access_ended")`). Handlers run after the
transaction commits, each in its own transaction (`community.after_commit.run_handlers`): what
did not happen is never announced, and a failing handler is logged without undoing what was
committed or stopping the others.

The names, who announces them and who handles them are listed in docs/architecture.md.
"""

from collections import defaultdict
from collections.abc import Callable

from . import after_commit

# access_ended(user_id, club_ids): the person can no longer read these clubs (they left, were
# removed or banned, their account was deactivated or deleted). Their pages re-check at once,
# and what they followed or were owed there is dropped.
ACCESS_ENDED = "access_ended"
# invitation_sent(invitation_id, actor_id): an invitation left (its email is the invitation's
# own); someone who already has an account is also told on the site.
INVITATION_SENT = "invitation_sent"
# join_requested(join_request_id): a person asks to join a club; its moderators are told.
JOIN_REQUESTED = "join_requested"
# join_decided(join_request_id, actor_id): a moderator answered a join request.
JOIN_DECIDED = "join_decided"
# post_created(post_id, mentioned_ids, first): a post was written, mentioning these people
# (the opening post of its thread when `first`); the mentioned, then the club's readers or the
# thread's followers are told.
POST_CREATED = "post_created"
# post_edited(post_id, mentioned_ids): an edit mentions these people for the first time.
POST_EDITED = "post_edited"
# posts_seen(user_id, thread_id, post_ids): a member has these posts before their eyes; what
# told them about these posts is read.
POSTS_SEEN = "posts_seen"
# post_reported(report_id): a member reported a post; the club's moderators are told.
POST_REPORTED = "post_reported"
NAMES = frozenset(
    {
        ACCESS_ENDED,
        INVITATION_SENT,
        JOIN_REQUESTED,
        JOIN_DECIDED,
        POST_CREATED,
        POST_EDITED,
        POSTS_SEEN,
        POST_REPORTED,
    }
)

_handlers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def handles(name: str):
    """Register the decorated function as a handler of the event `name`."""
    if name not in NAMES:
        raise ValueError(f"Unknown domain event: {name}")

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        if handler not in _handlers[name]:
            _handlers[name].append(handler)
        return handler

    return register


def announce(name: str, **ids) -> None:
    """After commit, run every handler of `name` with these keyword arguments."""
    if name not in NAMES:
        raise ValueError(f"Unknown domain event: {name}")
    after_commit.run_handlers(name, _handlers[name], ids)
