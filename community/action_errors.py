"""The refusal of an action, shared by every app's actions and caught by their views."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ActionError(ValidationError):
    """A domain rule refused the action. `str(error)` (or `error.message`) is a French sentence
    meant for the user: show it with `messages.error(request, str(error))`, or attach it to a
    form with `form.add_error(None, error)`. `error.code` names the rule for programs."""

    def __init__(self, message: "StrOrPromise", code: str | None = None) -> None:
        super().__init__(message, code=code)

    def __str__(self) -> str:
        return str(self.message)
