"""Forms of the clubs pages. They parse and validate input; the actions decide and write."""

from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from community.action_errors import ActionError
from community.models import validate_name

from .actions import MAX_BULK_INVITATIONS, MAX_MESSAGE_LENGTH, accept_invitation
from .models import Club, Profession, Role, Visibility

MAX_CSV_BYTES = 1024 * 1024
INVITED_EMAIL_SESSION_KEY = "clubs_invited_email"
INVITATION_TOKEN_SESSION_KEY = "clubs_invitation_token"
JOINED_CLUB_SESSION_KEY = "clubs_joined_slug"


class ClubForm(forms.Form):
    name = forms.CharField(label=_("Nom du club"), max_length=120)
    profession = forms.ChoiceField(label=_("Métier"), choices=Profession.choices)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Quelques lignes pour dire à qui s'adresse le club."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibilité"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.LISTED,
        help_text=_(
            "Un club visible figure dans l'annuaire et accepte les demandes d'adhésion ; "
            "un club secret n'est connu que de ses membres et ne s'ouvre que sur invitation."
        ),
    )

    @classmethod
    def for_club(cls, club: Club, **kwargs):
        initial = {
            "name": club.name,
            "profession": club.profession,
            "description": club.description,
            "visibility": club.visibility,
        }
        return cls(initial=initial, **kwargs)


class OwnerForm(forms.Form):
    owner_email = forms.EmailField(
        label=_("Adresse électronique du ou de la propriétaire"),
        help_text=_(
            "La personne doit déjà avoir un compte ; sinon, invitez-la comme propriétaire."
        ),
    )


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("Adresses à inviter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "Collez une ou plusieurs adresses, séparées par des retours à la ligne, des virgules "
            "ou des points-virgules (%(max)d au plus)."
        )
        % {"max": MAX_BULK_INVITATIONS},
    )
    csv_file = forms.FileField(
        label=_("… ou un fichier CSV"),
        required=False,
        help_text=_("Une colonne « email » (ou les adresses en première colonne), 1 Mo au plus."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.MEMBER)

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if upload and upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 1 Mo : découpez-le."))
        return upload

    def clean(self):
        cleaned = super().clean()
        nothing_given = not cleaned.get("emails", "").strip() and not cleaned.get("csv_file")
        if nothing_given and not self.errors:
            raise forms.ValidationError(
                _("Collez au moins une adresse ou choisissez un fichier CSV.")
            )
        return cleaned

    def rows(self) -> str | bytes:
        """What to give to `invite_many`: the file's bytes if any, else the pasted text."""
        upload = self.cleaned_data.get("csv_file")
        if upload:
            return upload.read()
        return self.cleaned_data["emails"]


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message (facultatif)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JoinRequestForm(MessageForm):
    message = forms.CharField(
        label=_("Présentez-vous en quelques mots (facultatif)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Votre fonction, votre collectivité : cela aide la modération à vous accueillir."
        ),
    )


class DecisionForm(MessageForm):
    decision = forms.ChoiceField(
        choices=[("approve", _("Accepter")), ("refuse", _("Refuser"))], widget=forms.HiddenInput
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Nouveau rôle"), choices=Role.choices)


class BanForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (visible par la modération)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationSignupForm(SignupForm):
    """allauth's signup form, reached only from an invitation: the address is the invited one."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150, validators=[validate_name])
    last_name = forms.CharField(label=_("Nom"), max_length=150, validators=[validate_name])
    job_title = forms.CharField(label=_("Fonction"), max_length=120, required=False)
    organisation = forms.CharField(
        label=_("Collectivité ou organisme"), max_length=200, required=False
    )

    field_order = ["email", "first_name", "last_name", "job_title", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = context.request  # allauth's middleware keeps the current request
        invited_email = request.session.get(INVITED_EMAIL_SESSION_KEY) if request else None
        self.invited_email = invited_email
        if invited_email:
            self.fields["email"].initial = invited_email
            self.fields["email"].widget.attrs["readonly"] = True
            self.fields["email"].help_text = _("L'adresse à laquelle vous avez été invité·e.")

    def clean_email(self):
        email = super().clean_email()
        if not self.invited_email or email.lower() != self.invited_email.lower():
            raise forms.ValidationError(
                _("Créez votre compte avec l'adresse à laquelle l'invitation a été envoyée.")
            )
        return email

    def save(self, request):
        """Create the account, then accept the invitation that opened the signup."""
        user = super().save(request)
        token = request.session.pop(INVITATION_TOKEN_SESSION_KEY, None)
        request.session.pop(INVITED_EMAIL_SESSION_KEY, None)
        try:
            membership = accept_invitation(user=user, raw_token=token or "")
        except ActionError as error:
            messages.error(request, str(error))
        else:
            request.session[JOINED_CLUB_SESSION_KEY] = membership.club.slug
            messages.success(
                request,
                _("Bienvenue dans le club « %(club)s » !") % {"club": membership.club.name},
            )
        return user

    def signup(self, request, user):
        """Called by allauth once the account exists: fill in the name and the profile."""
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        profile = user.profile
        profile.display_name = f"{user.first_name} {user.last_name}".strip()
        profile.job_title = self.cleaned_data.get("job_title", "")
        profile.organisation = self.cleaned_data.get("organisation", "")
        profile.save()
