"""Threads and posts of a club, with what members do around them: reactions, attachments, read
state, following, reports. Who may see or do what is decided in `clubs.access`, by the thread's
club; every write goes through `messaging.actions`."""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clubs.models import Club
from community.fulltext import FrenchDocument
from community.models import person


class Thread(models.Model):
    club = models.ForeignKey(
        Club, verbose_name=_("club"), on_delete=models.CASCADE, related_name="threads"
    )
    title = models.CharField(_("titre"), max_length=200)
    author = person(_("auteur·rice"), related_name="threads_started")
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("dernière activité"), default=timezone.now)
    # Denormalised for the club page: the last visible post and how many posts are visible.
    last_post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post_count = models.PositiveIntegerField(_("nombre de messages"), default=0)
    pinned = models.BooleanField(_("épinglé"), default=False)
    locked = models.BooleanField(_("verrouillé"), default=False)
    accepted_answer = models.ForeignKey(
        "Post",
        verbose_name=_("réponse retenue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Maintained by the database on every write (PostgreSQL; empty on SQLite): see docs/search.md.
    search_document = models.GeneratedField(
        expression=FrenchDocument("title"), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        verbose_name = _("fil de discussion")
        verbose_name_plural = _("fils de discussion")
        indexes = [models.Index(fields=["club", "-pinned", "-last_activity_at"])]

    def __str__(self):
        return self.title

    @property
    def is_solved(self) -> bool:
        return self.accepted_answer_id is not None


def visible_posts(through: str = "") -> Q:
    """The one rule of which posts readers see: neither deleted by their author nor hidden by a
    moderator. `through` is the lookup path from the queried model, e.g. "posts__"."""
    return Q(**{f"{through}deleted_at__isnull": True, f"{through}hidden_at__isnull": True})


class Post(models.Model):
    """A message. Its Markdown is rendered to safe HTML once, when written."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("fil"), on_delete=models.CASCADE, related_name="posts"
    )
    author = person(_("auteur·rice"), related_name="posts")
    source = models.TextField(_("texte (Markdown)"))
    html = models.TextField(_("texte mis en forme"))
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_by = person(_("masqué par"))
    hidden_reason = models.CharField(_("motif du masquage"), max_length=500, blank=True)
    # Chosen by the writer's page: the same client id sent twice makes one post.
    client_id = models.CharField(_("identifiant client"), max_length=64, blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("mentions"), related_name="+", blank=True
    )
    # Maintained by the database on every write (PostgreSQL; empty on SQLite): see docs/search.md.
    search_document = models.GeneratedField(
        expression=FrenchDocument("source"), output_field=SearchVectorField(), db_persist=True
    )

    #: [(kind, emoji, count, mine)], given by `selectors.attach_reactions` to the posts it shows.
    reaction_summary: list[tuple[str, str, int, bool]]

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["thread", "id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~Q(client_id=""),
                name="messaging_one_post_per_client_id",
            )
        ]

    def __str__(self):
        return f"{self.author} — {self.thread}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_visible(self) -> bool:
        return not (self.is_deleted or self.is_hidden)


class PostRevision(models.Model):
    """An earlier version of an edited post, kept so that members can see what changed."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    source = models.TextField()
    html = models.TextField()
    written_at = models.DateTimeField(_("écrite le"))
    replaced_at = models.DateTimeField(_("remplacée le"), default=timezone.now)
    replaced_by = person(_("modifiée par"))

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.post} ({self.written_at:%Y-%m-%d %H:%M})"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        THUMBS_UP = "pouce", "👍"
        THANKS = "merci", "🙏"
        HEART = "coeur", "❤️"
        PARTY = "bravo", "🎉"
        LAUGH = "rire", "😄"
        THINKING = "question", "🤔"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "kind"], name="messaging_one_reaction_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.user} → {self.post_id}"


def attachment_path(instance, filename):
    # The stored name never comes from the uploader: only the extension is kept.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"pieces-jointes/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="attachments", null=True, blank=True
    )
    uploaded_by = person(_("déposé par"))
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("taille"))
    is_image = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class ReadState(models.Model):
    """Where a member stopped reading a thread: every post after `last_read_post_id` is unread."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_post_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="messaging_one_read_state")
        ]

    def __str__(self):
        return f"{self.user} → {self.thread_id} @ {self.last_read_post_id}"


class ThreadSubscription(models.Model):
    class Level(models.TextChoices):
        FOLLOW = "follow", _("suivi")
        MUTE = "mute", _("sourdine")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_subscriptions"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="subscriptions")
    level = models.CharField(max_length=8, choices=Level.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="messaging_one_subscription")
        ]

    def __str__(self):
        return f"{self.user} → {self.thread_id} ({self.level})"


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("à traiter")
        HIDDEN = "hidden", _("message masqué")
        DISMISSED = "dismissed", _("classé sans suite")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = person(_("signalé par"), related_name="reports_made")
    reason = models.TextField(_("motif"))
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.OPEN)
    handled_by = person(_("traité par"))
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    resolution_note = models.TextField(_("réponse de la modération"), blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(status="open"),
                name="messaging_one_open_report_per_reporter",
            )
        ]

    def __str__(self):
        return f"{self.reporter} → {self.post_id} ({self.status})"
