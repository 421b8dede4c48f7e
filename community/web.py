"""Small helpers shared by the views of every app: they keep views to "parse, check, act, say"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect

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


def attempt(action, success_message: str, **arguments) -> tuple[bool, str]:
    """Run an action: whether it was done, and what it did or why it could not (the action's
    refusal, a ValidationError with a French message)."""
    try:
        action(**arguments)
    except ValidationError as error:
        return False, " ".join(error.messages)
    return True, success_message


def perform(request, action, success_message: str, **arguments) -> bool:
    """Run an action; say in a message what it did, or why it could not."""
    done, said = attempt(action, success_message, **arguments)
    (messages.success if done else messages.error)(request, said)
    return done


def wants_json(request) -> bool:
    """The page's script sent the form and asks for JSON (`Accept: application/json`) instead
    of a page to go to."""
    return "application/json" in request.headers.get("Accept", "")


def answer(request, *, done: bool, said: str, then: str, **data) -> HttpResponse:
    """The answer to a small act (react, follow, accept...): for the page's script, JSON with
    `ok`, `message` and `data`, status 400 when refused; without a script, the message and a
    redirect to `then`, as any form."""
    if wants_json(request):
        return JsonResponse({"ok": done, "message": said, **data}, status=200 if done else 400)
    (messages.success if done else messages.error)(request, said)
    return redirect(then)
