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
NAMES = frozenset({ACCESS_ENDED})

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
