"""Small helpers shared by the views of every app: they keep views to "parse, check, act, say"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

PAGE_SIZE = 50


def posted(request, *, with_files: bool = False) -> tuple:
    """A form's data: bound on any POST (even an empty one, so that it says what is missing)."""
    if request.method != "POST":
        return (None, None) if with_files else (None,)
    return (request.POST, request.FILES) if with_files else (request.POST,)


def focus_first_error(form) -> None:
    """The first field in error takes the focus when the page comes back (its error is tied to
    it by aria-describedby, and Django marks it aria-invalid)."""
    for name in form.errors:
        if name in form.fields and not form.fields[name].widget.is_hidden:
            form.fields[name].widget.attrs["autofocus"] = True
            return


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The page asked for by ?page= (the first for a bad value, the last past the end)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def perform(request, action, success_message: str, **arguments) -> bool:
    """Run an action; say in a message what it did, or why it could not (the action's refusal,
    a ValidationError with a French message)."""
    try:
        action(**arguments)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success_message)
    return True
