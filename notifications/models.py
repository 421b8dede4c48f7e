"""A notification: a short French sentence for one person, with the link to what it is about.

It knows nothing of threads or posts: the action that causes it writes the sentence and the link
(to the exact post), and names the club it is about, so that access is checked again at delivery.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clubs.models import Club
from community.models import person


class Kind(models.TextChoices):
    MENTION = "mention", _("Mentions de mon identifiant")
    REPLY = "reply", _("Réponses dans les fils que je suis")
    NEW_THREAD = "new_thread", _("Nouveaux fils dans mes clubs")
    CLUB_ADMIN = "club_admin", _("Vie des clubs : invitations, demandes d'adhésion, signalements")


class Channel(models.TextChoices):
    SITE = "site", _("Sur le site")
    EMAIL = "email", _("Sur le site et par courriel tout de suite")
    DIGEST = "digest", _("Sur le site et dans le récapitulatif")
    OFF = "off", _("Jamais")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Chaque jour")
    WEEKLY = "weekly", _("Chaque semaine")
    NEVER = "never", _("Jamais")


class Audience(models.TextChoices):
    """Who may still receive the notification when it is delivered (see clubs.access)."""

    MEMBERS = "members", _("membres du club")  # about the club's content
    MODERATORS = "moderators", _("modération du club")  # join requests, reports
    PERSON = "person", _("la personne elle-même")  # their invitation, their join request


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.MEMBERS)
    club = models.ForeignKey(
        Club, verbose_name=_("club"), on_delete=models.CASCADE, null=True, blank=True
    )
    actor = person(_("auteur·rice"))
    text = models.CharField(_("texte"), max_length=300)
    url = models.CharField(_("lien"), max_length=500)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    # Email at once: waits in the recipient's batch until the batch leaves (or is dropped).
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # In the digest: shown in the next digest if still unread then.
    for_digest = models.BooleanField(default=False)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(email_pending=True),
                name="notifications_email_pending",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """How a member wants to be told, kind by kind; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    mention = models.CharField(
        Kind.MENTION.label, max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    reply = models.CharField(
        Kind.REPLY.label, max_length=8, choices=Channel.choices, default=Channel.DIGEST
    )
    new_thread = models.CharField(
        Kind.NEW_THREAD.label, max_length=8, choices=Channel.choices, default=Channel.DIGEST
    )
    club_admin = models.CharField(
        Kind.CLUB_ADMIN.label, max_length=8, choices=Channel.choices, default=Channel.DIGEST
    )
    digest_frequency = models.CharField(
        _("Récapitulatif"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("préférences de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self):
        return f"{self.user}"

    def channel(self, kind: str) -> str:
        return getattr(self, kind)
