from django import forms
from django.utils.translation import gettext_lazy as _

from clubs.models import Role
from community.france import DEPARTEMENTS


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom"), required=False, max_length=100)
    club = forms.ChoiceField(label=_("Club"), required=False)
    departement = forms.ChoiceField(
        label=_("Département"), required=False, choices=[("", _("Tous")), *DEPARTEMENTS]
    )
    organisation = forms.CharField(
        label=_("Collectivité ou organisme"), required=False, max_length=100
    )
    role = forms.ChoiceField(
        label=_("Rôle dans le club"), required=False, choices=[("", _("Tous"))] + Role.choices
    )

    def __init__(self, *args, clubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["club"].choices = [("", _("Tous mes clubs"))] + [
            (club.slug, club.name) for club in clubs
        ]


class DeleteAccountForm(forms.Form):
    class Posts:
        KEEP = "keep"
        ERASE = "erase"

    posts = forms.ChoiceField(
        label=_("Vos messages"),
        widget=forms.RadioSelect,
        choices=[
            (Posts.KEEP, _("Les garder, signés « Ancien membre » (les fils restent lisibles)")),
            (Posts.ERASE, _("Les effacer")),
        ],
    )
    confirmation = forms.CharField(
        label=_("Pour confirmer, saisissez votre adresse électronique"), max_length=254
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirmation(self):
        typed = self.cleaned_data["confirmation"].strip().lower()
        if typed != self.user.email:
            raise forms.ValidationError(
                _("Ce n'est pas l'adresse de votre compte : rien n'a été supprimé.")
            )
        return typed
