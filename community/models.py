import unicodedata
import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .france import DEPARTEMENTS, validate_siret


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Une adresse électronique est obligatoire.")
        user = self.model(email=normalise_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


def normalise_email(email: str) -> str:
    """Addresses are compared without regard to case: store them in lower case."""
    return email.strip().lower()


# Characters that change the direction of the text around them: a name could show reversed.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_control(character: str) -> bool:
    """A line break (CR, LF, the Unicode line and paragraph separators), a tab or another
    control character, or a direction override."""
    return unicodedata.category(character) in {"Cc", "Zl", "Zp"} or character in BIDI_CONTROLS


def validate_name(value: str) -> None:
    """A name is shown on one line, in pages and in the plain text and subjects of emails."""
    if any(_is_control(character) for character in value):
        raise ValidationError(
            _(
                "Un nom s'écrit sur une seule ligne : retirez les retours à la ligne, "
                "tabulations et autres caractères invisibles."
            ),
            code="control_character",
        )


def one_line(text: str) -> str:
    """The text on one line: control characters become spaces, and spaces are collapsed (names
    saved before `validate_name` existed may hold a line break)."""
    return " ".join("".join(" " if _is_control(c) else c for c in text).split())


def person(verbose_name, related_name="+", **kwargs):
    """A reference to an account that outlives it: the row stays when the account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        **kwargs,
    )


class User(AbstractUser):
    """A person with an account. They log in with their email address; there is no username."""

    username = None  # type: ignore[assignment]  # there is none: people log in with their email
    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(
        _("prénom"), max_length=150, blank=True, validators=[validate_name]
    )
    last_name = models.CharField(_("nom"), max_length=150, blank=True, validators=[validate_name])

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    # Not Django's UserManager: accounts are created from an email address, not a username.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    #: Whether the account has an authenticator app: asked once per request (`clubs.access`).
    _has_second_factor: bool

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["email"]

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        profile_name = one_line(getattr(getattr(self, "profile", None), "display_name", ""))
        return profile_name or one_line(self.get_full_name()) or self.email.split("@")[0]

    def __str__(self):
        return self.display_name


class OrganisationKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI (communauté, métropole…)")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    SYNDICAT = "syndicat", _("Syndicat")
    GIP = "gip", _("GIP")
    AUTRE = "autre", _("Autre")


class Visibility(models.TextChoices):
    CLUBS = "clubs", _("Les membres de mes clubs")
    NOBODY = "nobody", _("Personne")


def avatar_path(instance, filename):
    # Random name: the address of a picture says nothing about its owner.
    return f"avatars/{uuid.uuid4().hex}.jpg"


BIO_MAX_LENGTH = 600


class Profile(models.Model):
    """What a member shows of themselves to the members of their clubs."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        _("nom affiché"), max_length=120, blank=True, validators=[validate_name]
    )
    handle = models.SlugField(
        _("identifiant de mention"),
        max_length=60,
        unique=True,
        help_text=_("Ce qui suit « @ » pour mentionner ce membre dans un message."),
    )
    job_title = models.CharField(_("fonction"), max_length=120, blank=True)
    organisation = models.CharField(_("collectivité ou organisme"), max_length=200, blank=True)
    organisation_kind = models.CharField(
        _("type de structure"), max_length=16, choices=OrganisationKind.choices, blank=True
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("Facultatif : les 14 chiffres du SIRET de votre structure."),
    )
    departement = models.CharField(
        _("département"), max_length=3, choices=DEPARTEMENTS, blank=True, db_index=True
    )
    avatar = models.FileField(_("photo"), upload_to=avatar_path, blank=True, max_length=120)
    bio = models.TextField(_("présentation"), max_length=BIO_MAX_LENGTH, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email_visibility = models.CharField(
        _("qui voit mon adresse électronique"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.NOBODY,
    )
    phone_visibility = models.CharField(
        _("qui voit mon téléphone"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.NOBODY,
    )
    # Retention: when the member was told that their inactive account would be deactivated.
    inactivity_warned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profils")

    def __str__(self):
        return one_line(self.display_name) or self.user.email

    @property
    def shows_email(self) -> bool:
        return self.email_visibility == Visibility.CLUBS

    @property
    def shows_phone(self) -> bool:
        return bool(self.phone) and self.phone_visibility == Visibility.CLUBS


def unique_handle(user) -> str:
    """A mention handle for a new member: « claire.martin », else the address's local part."""
    from django.utils.text import slugify

    name = f"{user.first_name} {user.last_name}".strip() or user.email.split("@")[0]
    base = slugify(name)[:50].strip("-") or "membre"
    handle, n = base, 1
    while Profile.objects.filter(handle=handle).exists():
        n += 1
        handle = f"{base}{n}"
    return handle


# --- The log of the live streams (community/event_log.py) ---------------------------------------
# Their tables keep the names they had when the discussions owned them (no data moved).


class StreamCounter(models.Model):
    """The last sequence number given out on a stream ("club.12", "user.7")."""

    stream = models.CharField(max_length=40, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "messaging_streamcounter"

    def __str__(self):
        return f"{self.stream} @ {self.last_seq}"


class EventLog(models.Model):
    """Every live event, kept for a while so that a page that lost its connection can ask for
    what it missed. Numbered without gaps on each stream."""

    stream = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "messaging_eventlog"
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="messaging_one_event_per_seq")
        ]

    def __str__(self):
        return f"{self.stream}#{self.seq} {self.type}"

    def as_frame(self) -> dict:
        return {
            "type": "event",
            "stream": self.stream,
            "seq": self.seq,
            "event": self.type,
            **self.data,
        }
