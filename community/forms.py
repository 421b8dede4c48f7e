from typing import TYPE_CHECKING

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import avatars
from .models import BIO_MAX_LENGTH, Profile
from .web import focus_first_error

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ProfileForm(forms.ModelForm):
    # Longer than 14 on input: people copy SIRETs with spaces (« 732 829 320 00074 »).
    siret = forms.CharField(
        label=_("SIRET"),
        required=False,
        max_length=20,
        help_text=Profile._meta.get_field("siret").help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    avatar = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG, GIF ou WebP ; elle sera recadrée en carré."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "job_title",
            "organisation",
            "organisation_kind",
            "siret",
            "departement",
            "avatar",
            "bio",
            "phone",
            "email_visibility",
            "phone_visibility",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5, "maxlength": BIO_MAX_LENGTH}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email_visibility": forms.RadioSelect,
            "phone_visibility": forms.RadioSelect,
        }
        help_texts = {
            "bio": _("Quelques lignes, en texte simple (%(max)s caractères au plus).")
            % {"max": BIO_MAX_LENGTH},
        }

    def clean_siret(self):
        return "".join(self.cleaned_data["siret"].split())

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        allowed = set("0123456789+ .()-")
        if phone and (not set(phone) <= allowed or sum(c.isdigit() for c in phone) < 6):
            raise forms.ValidationError(
                _("Saisissez un numéro de téléphone, par exemple 01 23 45 67 89.")
            )
        return phone

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if isinstance(upload, UploadedFile):
            return avatars.square_jpeg(upload)
        return upload  # unchanged (the stored file) or cleared (False)


class SiteWords(forms.Form):
    """An allauth form in the site's words: its fields' labels (and help) set here, rather than
    allauth's (« E-mail actuel : », « Code de l'authentificateur »), without placeholders that
    would repeat them in other words and vanish as soon as one types."""

    labels: dict[str, "StrOrPromise"] = {}
    helps: dict[str, "StrOrPromise"] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            self.fields[name].label = label
        for name, help_text in self.helps.items():
            self.fields[name].help_text = help_text
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def full_clean(self) -> None:
        super().full_clean()
        focus_first_error(self)


NEW_PASSWORD_HELP = _(
    "Au moins 10 caractères. Évitez un mot de passe courant, fait seulement de chiffres ou "
    "proche de votre nom ou de votre adresse : une phrase de quelques mots se retient bien."
)
NEW_PASSWORD_LABELS: dict[str, "StrOrPromise"] = {
    "password1": _("Nouveau mot de passe"),
    "password2": _("Nouveau mot de passe, une seconde fois"),
}
CODE_HELP = _("Les six chiffres affichés en ce moment par l'application d'authentification.")


class LoginForm(SiteWords, allauth_forms.LoginForm):
    """The login form: the address is labelled « Courriel »."""

    labels = {"login": _("Courriel"), "password": _("Mot de passe")}


class AddEmailForm(SiteWords, allauth_forms.AddEmailForm):
    labels = {"email": _("Nouvelle adresse électronique")}
    helps = {
        "email": _("Nous y enverrons un lien : elle remplacera l'actuelle une fois confirmée.")
    }


class ChangePasswordForm(SiteWords, allauth_forms.ChangePasswordForm):
    labels = {"oldpassword": _("Mot de passe actuel"), **NEW_PASSWORD_LABELS}
    helps = {"password1": NEW_PASSWORD_HELP}


class SetPasswordForm(SiteWords, allauth_forms.SetPasswordForm):
    labels = NEW_PASSWORD_LABELS
    helps = {"password1": NEW_PASSWORD_HELP}


class ResetPasswordForm(SiteWords, allauth_forms.ResetPasswordForm):
    labels = {"email": _("Adresse électronique")}
    helps = {"email": _("Celle avec laquelle vous vous connectez à Entre pairs.")}


class ResetPasswordKeyForm(SiteWords, allauth_forms.ResetPasswordKeyForm):
    labels = NEW_PASSWORD_LABELS
    helps = {"password1": NEW_PASSWORD_HELP}


class ReauthenticateForm(SiteWords, allauth_forms.ReauthenticateForm):
    labels = {"password": _("Mot de passe")}


class ConfirmReauthenticationCodeForm(SiteWords, allauth_forms.ConfirmReauthenticationCodeForm):
    labels = {"code": _("Code reçu par courriel")}


class ActivateTOTPForm(SiteWords, totp_forms.ActivateTOTPForm):
    labels = {"code": _("Code à six chiffres")}
    helps = {"code": CODE_HELP}


class AuthenticateForm(SiteWords, mfa_forms.AuthenticateForm):
    labels = {"code": _("Code de vérification")}
    helps = {
        "code": _(
            "Les six chiffres affichés par l'application d'authentification, ou l'un de vos "
            "codes de secours si vous n'avez pas votre téléphone."
        )
    }


class MFAReauthenticateForm(SiteWords, mfa_forms.ReauthenticateForm):
    labels = AuthenticateForm.labels
    helps = AuthenticateForm.helps
