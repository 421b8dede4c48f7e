from allauth.account import forms as allauth_forms
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import avatars
from .models import BIO_MAX_LENGTH, Profile


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


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form with the site's words: the fields are labelled « Courriel » and
    « Mot de passe », without placeholders that would repeat them in other words (and vanish
    as soon as one types)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Courriel")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
