"""Every write of clubs. Keyword-only functions, one transaction each, taking the acting user.

They check the domain rules (the last owner cannot leave, a banned person cannot be invited...)
and raise `ActionError` with a French message to show to the user. The caller has checked access
with `clubs.access`; as a safety net, actions reserved to moderators raise PermissionDenied if the
actor is neither staff nor a moderator/owner of the club. Each action writes one
MembershipEvent; emails leave through `clubs.tasks`, enqueued after commit.

This module is the package's public face: callers write `from clubs import actions` and
`actions.invite_member(...)`, whatever submodule holds the function. The submodules go by
subject: `clubs` (create, edit, archive, name owners), `invitations`, `join_requests`, `members`
(roles, removal, leaving, bans); `_shared` holds what they share and is private.
"""

from ._shared import MAX_MESSAGE_LENGTH
from .clubs import archive_club, create_club, name_owner, unarchive_club, update_club
from .invitations import (
    MAX_BULK_INVITATIONS,
    InviteOutcome,
    InviteReport,
    InviteResult,
    accept_invitation,
    ask_for_new_invitation,
    invite_many,
    invite_member,
    resend_invitation,
    revoke_invitation,
)
from .join_requests import (
    approve_join_request,
    refuse_join_request,
    request_to_join,
    withdraw_join_request,
)
from .members import LAST_OWNER_MESSAGE, ban_member, change_role, leave_club, remove_member, unban

__all__ = [
    "LAST_OWNER_MESSAGE",
    "MAX_BULK_INVITATIONS",
    "MAX_MESSAGE_LENGTH",
    "InviteOutcome",
    "InviteReport",
    "InviteResult",
    "accept_invitation",
    "approve_join_request",
    "archive_club",
    "ask_for_new_invitation",
    "ban_member",
    "change_role",
    "create_club",
    "invite_many",
    "invite_member",
    "leave_club",
    "name_owner",
    "refuse_join_request",
    "remove_member",
    "request_to_join",
    "resend_invitation",
    "revoke_invitation",
    "unarchive_club",
    "unban",
    "update_club",
    "withdraw_join_request",
]
