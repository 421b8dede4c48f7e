"""Writes of a member's own account: their profile (deleting the account gathers from every app:
`entrepairs.account_deletion`).

Keyword-only functions, one transaction each, taking the acting member."""

from django.db import transaction

from . import after_commit
from .forms import ProfileForm
from .models import User


@transaction.atomic
def update_profile(*, user: User, form: ProfileForm) -> None:
    """Save the member's profile form (already valid); a replaced or removed photo leaves the
    disk once the new one is stored."""
    previous_avatar = type(form.instance).objects.get(pk=form.instance.pk).avatar.name
    profile = form.save()
    if previous_avatar and previous_avatar != profile.avatar.name:
        after_commit.delete_files([previous_avatar])
