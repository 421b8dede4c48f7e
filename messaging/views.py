"""Pages of the discussions: new thread, thread page, and every action on posts and threads.
Each view parses, asks `clubs.access` (through the selectors), calls one action, and says in a
message what it did."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clubs import access
from community import after_commit
from community.action_errors import ActionError
from community.web import answer, attempt, focus_first_error, perform, posted, wants_json

from . import actions, attachments, context_processors, fragments, markdown, selectors
from .forms import (
    EditForm,
    MoveForm,
    PostForm,
    ReactionForm,
    ReasonForm,
    SubscriptionForm,
    ThreadForm,
    ToggleForm,
)
from .models import visible_posts


def thread_url(thread) -> str:
    return reverse("messaging:thread", args=[thread.club.slug, thread.pk])


def post_url(post) -> str:
    """The thread, showing this post and the ones that follow it."""
    return f"{thread_url(post.thread)}?depuis={post.pk}#message-{post.pk}"


def after_writing_url(post) -> str:
    """The thread, showing this post at the end of the posts that lead to it."""
    return f"{thread_url(post.thread)}?avant={post.pk + 1}#message-{post.pk}"


def _int_param(request, name: str) -> int | None:
    try:
        return int(request.GET[name])
    except (KeyError, ValueError):
        return None


# --- Threads ------------------------------------------------------------------------------------


def _field_of(error: ActionError, *, default: str = "source") -> str:
    """The field of a posting form that a refusal is about: a file, the title, or the text."""
    if isinstance(error, attachments.AttachmentRefused):
        return "uploads"
    if error.code in ("title_required", "title_too_long"):
        return "title"
    return default


def _write(form, action, **arguments):
    """Run a posting action with the form's text, files and client id: what it made, or None
    when it refused, its reason then next to the field it is about."""
    data = form.cleaned_data
    try:
        return action(
            source=data["source"], client_id=data["client_id"], uploads=data["uploads"],
            **arguments,
        )  # fmt: skip
    except ActionError as error:
        form.add_error(_field_of(error), error)
        return None


def new_thread(request, slug):
    club, membership = access.access_club_content(request.user, slug)
    if not access.can_post(membership, club):
        messages.error(request, _("Ce club est archivé : on n'y écrit plus."))
        return redirect("clubs:detail", slug=club.slug)
    form = ThreadForm(*posted(request, with_files=True))
    if request.method == "POST" and form.is_valid():
        title = form.cleaned_data["title"]
        thread = _write(form, actions.start_thread, author=request.user, club=club, title=title)
        if thread is not None:
            messages.success(request, _("Fil de discussion publié."))
            return redirect(thread_url(thread))
    focus_first_error(form)
    return render(
        request,
        "messaging/new_thread.html",
        {"club": club, "form": form},
        status=400 if form.errors else 200,
    )


def thread_page(request, slug, pk):
    thread, rights = selectors.thread_for(request.user, slug, pk)
    if wants_json(request):
        return _thread_parts(request, thread, rights)
    reply_form = PostForm(initial={"source": _quoted_source(request, thread)})
    return _thread_response(request, thread, rights, reply_form)


def _thread_response(request, thread, rights, reply_form, *, status: int = 200):
    """The thread page, its reply form as given (empty, quoting a post, or refused with what
    was typed)."""
    # Where the page's live updates start from: read before the posts, so none is missed.
    live_streams = context_processors.live_streams(request)
    last_read, subscription = selectors.reader_state(thread, request.user)
    first_post_id, last_post_id, first_unread = selectors.post_ends_and_first_unread(
        thread, last_read
    )
    from_id, before_id = _int_param(request, "depuis"), _int_param(request, "avant")
    open_at = ""  # where the page takes the reader when the address names no post
    if from_id is None and before_id is None:
        # Open where the reader stopped: the first unread post, the start of a thread never
        # opened, or the latest post when everything is read.
        if last_read is None:
            from_id = 0
        elif first_unread is not None:
            from_id = first_unread
            open_at = "premier-non-lu"
    window = selectors.post_window(
        thread,
        request.user,
        from_id=from_id,
        before_id=before_id,
        ends=(first_post_id, last_post_id),
    )
    if from_id is None and before_id is None and window.last_id:
        open_at = f"message-{window.last_id}"
    if window.last_id and (last_read is None or window.last_id > last_read):  # never backwards
        actions.mark_read(user=request.user, thread=thread, up_to_post_id=window.last_id)
        new_to_them = [p.pk for p in window.posts if last_read is None or p.pk > last_read]
        actions.posts_seen(user=request.user, thread=thread, post_ids=new_to_them)
    return render(
        request,
        "messaging/thread.html",
        {
            "club": thread.club,
            "thread": thread,
            "rights": rights,
            "window": window,
            "first_unread": first_unread if first_unread and last_read is not None else None,
            "first_post_id": first_post_id,
            "last_post_id": last_post_id,
            "open_at": open_at,
            "subscription": subscription,
            "can_move": access.may_move(rights, thread),
            "reply_form": reply_form,
            "live_streams": live_streams,
            "stream": after_commit.group_name("club", thread.club_id),
        },
        status=status,
    )


def _reader_context(request, thread, rights) -> dict:
    """What the thread's header and posts need to show them to this reader."""
    return {
        "club": thread.club,
        "thread": thread,
        "rights": rights,
        "user": request.user,
        "csrf_token": get_token(request),
        "first_post_id": selectors.first_post_id(thread),
        "subscription": selectors.subscription_level(thread, request.user),
        "can_move": access.may_move(rights, thread),
    }


def _thread_parts(request, thread, rights):
    """For the page's script, after a change to the thread (answer retained, followed...): its
    header and the posts from ?depuis= on, as this reader sees them. Reading them marks
    nothing read."""
    window = selectors.post_window(thread, request.user, from_id=_int_param(request, "depuis") or 0)
    context = _reader_context(request, thread, rights)
    header = render_to_string("messaging/_thread_header.html", context, request=request)
    posts = {post.pk: fragments.page_post_html(post, context) for post in window.posts}
    return JsonResponse({"header": header, "posts": posts})


def _quoted_source(request, thread) -> str:
    """With ?citer=<post id>, the reply form starts with that post quoted."""
    quoted_id = _int_param(request, "citer")
    if quoted_id is None:
        return ""
    post = thread.posts.filter(visible_posts(), pk=quoted_id)
    post = post.select_related("author__profile").first()
    if post is None:
        return ""
    author = post.author.display_name if post.author else _("Ancien membre")
    return markdown.quote(post.source, author)


@require_POST
def reply(request, slug, pk):
    """A refused reply comes back on the thread page (400), with what was typed and the error
    next to its field."""
    thread, rights = selectors.thread_for(request.user, slug, pk)
    form = PostForm(request.POST, request.FILES)
    if form.is_valid():
        post = _write(form, actions.post_reply, author=request.user, thread=thread)
        if post is not None:
            messages.success(request, _("Réponse publiée."))
            return redirect(after_writing_url(post))
    focus_first_error(form)
    return _thread_response(request, thread, rights, form, status=400)


def thread_list(request, slug):
    """The club page's list of threads alone, for the page's script to refresh it."""
    club, membership = access.access_club_content(request.user, slug)
    return render(
        request, "messaging/thread_list_fragment.html", {"club": club, "membership": membership}
    )


def unread_counts(request):
    """The member's unread threads by club, for the header's badges to follow live."""
    counts = selectors.unread_threads_by_club(request.user)
    return JsonResponse({"clubs": {str(club): count for club, count in counts.items()}})


def permalink(request, slug, pk):
    post, _rights = selectors.post_for(request.user, slug, pk)
    return redirect(post_url(post))


@require_POST
def subscription(request, slug, pk):
    thread, _rights = selectors.thread_for(request.user, slug, pk)
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        return answer(
            request, done=False, said=_("Choix de suivi inconnu."), then=thread_url(thread)
        )
    level = form.cleaned_data["level"]
    said = {
        "follow": _("Vous suivez ce fil : vous serez prévenu·e des réponses."),
        "mute": _("Ce fil est en sourdine : vous ne serez plus prévenu·e."),
        "none": _("Suivi par défaut rétabli pour ce fil."),
    }[level]
    done, said = attempt(
        actions.set_subscription,
        said,
        user=request.user,
        thread=thread,
        level=None if level == "none" else level,
    )
    return answer(request, done=done, said=said, then=thread_url(thread))


def _moderated_thread(request, slug, pk):
    thread, rights = selectors.thread_for(request.user, slug, pk)
    rights.require("moderate")
    return thread


def _toggle(request, slug, pk, action, field, said_on, said_off):
    thread = _moderated_thread(request, slug, pk)
    form = ToggleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Demande incomplète : réessayez depuis la page du fil."))
        return redirect(thread_url(thread))
    on = form.cleaned_data["on"]
    perform(
        request, action, said_on if on else said_off, moderator=request.user, thread=thread,
        **{field: on},
    )  # fmt: skip
    return redirect(thread_url(thread))


@require_POST
def pin(request, slug, pk):
    return _toggle(
        request, slug, pk, actions.set_pinned, "pinned",
        _("Fil épinglé en haut du club."), _("Fil désépinglé."),
    )  # fmt: skip


@require_POST
def lock(request, slug, pk):
    return _toggle(
        request, slug, pk, actions.set_locked, "locked",
        _("Fil verrouillé : plus personne n'y répond."), _("Fil déverrouillé."),
    )  # fmt: skip


def move(request, slug, pk):
    thread = _moderated_thread(request, slug, pk)
    targets = access.move_targets(request.user, thread)
    form = MoveForm(*posted(request), clubs=targets)
    if request.method == "POST" and form.is_valid():
        to_club = form.cleaned_data["club"]
        moved = perform(
            request,
            actions.move_thread,
            _("Fil déplacé dans le club « %(club)s ».") % {"club": to_club.name},
            moderator=request.user,
            thread=thread,
            to_club=to_club,
        )
        if moved:
            return redirect(thread_url(thread))
    return render(
        request, "messaging/move.html", {"club": thread.club, "thread": thread, "form": form}
    )


@require_POST
def unaccept(request, slug, pk):
    thread, _rights = selectors.thread_for(request.user, slug, pk)
    done, said = attempt(
        actions.clear_accepted_answer,
        _("Le fil n'a plus de réponse retenue."),
        user=request.user,
        thread=thread,
    )
    return answer(request, done=done, said=said, then=thread_url(thread))


# --- Posts --------------------------------------------------------------------------------------


def edit_post(request, slug, pk):
    post, rights = selectors.post_for(request.user, slug, pk)
    if not rights.owns(post.author_id):
        raise PermissionDenied
    form = EditForm(*posted(request), initial={"source": post.source})
    said = _("Message modifié ; la version précédente reste visible.")
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_post(editor=request.user, post=post, source=form.cleaned_data["source"])
        except ActionError as error:
            form.add_error("source", error)
        else:
            if wants_json(request):
                selectors.attach_reactions([post], request.user)
                context = _reader_context(request, post.thread, rights)
                html = fragments.page_post_html(post, context)
                return answer(request, done=True, said=said, then="", post=post.pk, html=html)
            messages.success(request, said)
            return redirect(post_url(post))
    if request.method == "POST" and wants_json(request):
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return answer(request, done=False, said=" ".join(errors), then="", errors=form.errors)
    focus_first_error(form)
    return render(
        request,
        "messaging/edit_post.html",
        {"club": post.thread.club, "thread": post.thread, "post": post, "form": form},
        status=400 if form.errors else 200,
    )


def post_history(request, slug, pk):
    post, _rights = selectors.post_for(request.user, slug, pk)
    if not post.is_visible:
        raise Http404
    return render(
        request,
        "messaging/post_history.html",
        {
            "club": post.thread.club,
            "thread": post.thread,
            "post": post,
            "revisions": post.revisions.select_related("replaced_by__profile"),
        },
    )


def delete_post(request, slug, pk):
    post, rights = selectors.post_for(request.user, slug, pk)
    if not rights.owns(post.author_id):
        raise PermissionDenied
    if request.method == "POST":
        perform(request, actions.delete_post, _("Message supprimé."), user=request.user, post=post)
        return redirect(post_url(post))
    return render(
        request,
        "messaging/confirm_delete.html",
        {"club": post.thread.club, "thread": post.thread, "post": post},
    )


def hide_post(request, slug, pk):
    post, rights = selectors.post_for(request.user, slug, pk)
    rights.require("moderate")
    if not rights.may_moderate_post(post.author_id):
        messages.error(request, actions.OWN_POST_REFUSAL)
        return redirect(post_url(post))
    form = ReasonForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        hidden = perform(
            request,
            actions.hide_post,
            _("Message masqué. Vous pouvez le restaurer depuis le fil."),
            moderator=request.user,
            post=post,
            reason=form.cleaned_data["reason"],
        )
        if hidden:
            return redirect(post_url(post))
    return render(
        request,
        "messaging/hide_post.html",
        {"club": post.thread.club, "thread": post.thread, "post": post, "form": form},
    )


@require_POST
def restore_post(request, slug, pk):
    post, _rights = selectors.post_for(request.user, slug, pk)
    perform(
        request, actions.restore_post, _("Message restauré."), moderator=request.user, post=post
    )
    return redirect(post_url(post))


@require_POST
def react(request, slug, pk):
    post, _rights = selectors.post_for(request.user, slug, pk)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return answer(
            request, done=False, said=_("Cette réaction n'existe pas."), then=post_url(post)
        )
    kind = form.cleaned_data["kind"]
    try:
        added = actions.toggle_reaction(user=request.user, post=post, kind=kind)
    except ActionError as error:
        return answer(request, done=False, said=str(error), then=post_url(post))
    return answer(
        request,
        done=True,
        said=_("Réaction ajoutée.") if added else _("Réaction retirée."),
        then=post_url(post),
        # The shape of the live event reaction.changed, that the page applies the same way.
        reaction={
            "post": post.pk,
            "kind": kind,
            "user": request.user.pk,
            "added": added,
            "counts": selectors.reaction_counts(post),
        },
    )


@require_POST
def accept(request, slug, pk):
    post, _rights = selectors.post_for(request.user, slug, pk)
    done, said = attempt(
        actions.accept_answer,
        _("Réponse retenue : le fil est marqué « résolu »."),
        user=request.user,
        post=post,
    )
    return answer(request, done=done, said=said, then=post_url(post))
