"""The search form: it turns whatever arrives in the address into valid criteria, or says in
French what is wrong (never an error page)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clubs import access
from community.fulltext import folded_terms

from .sources import SOURCES, Criteria

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
PERIODS = {"7j": 7, "30j": 30, "1an": 365}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Mots recherchés"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    club = forms.ChoiceField(
        label=_("Club"),
        required=False,
        error_messages={"invalid_choice": _("Ce club ne fait pas partie des vôtres.")},
    )
    type = forms.ChoiceField(
        label=_("Type de résultat"),
        required=False,
        choices=[("", _("Tous"))] + [(key, source.label) for key, source in SOURCES.items()],
        error_messages={"invalid_choice": _("Ce type de résultat n'existe pas.")},
    )
    periode = forms.ChoiceField(
        label=_("Date"),
        required=False,
        choices=[
            ("", _("Toujours")),
            ("7j", _("Depuis 7 jours")),
            ("30j", _("Depuis 30 jours")),
            ("1an", _("Depuis un an")),
        ],
        error_messages={"invalid_choice": _("Cette période n'existe pas.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.clubs = {club.slug: club for club in access.readable_clubs(user).only("slug", "name")}
        self.fields["club"].choices = [("", _("Tous mes clubs"))] + [
            (slug, club.name) for slug, club in self.clubs.items()
        ]

    def clean_q(self):
        text = self.cleaned_data["q"]
        if len(text) > MAX_QUERY_LENGTH:
            raise forms.ValidationError(
                _("La recherche est trop longue (%(max)d caractères au plus)."),
                params={"max": MAX_QUERY_LENGTH},
            )
        words = folded_terms(text)
        if text and not any(len(word) > 1 for word in words):
            raise forms.ValidationError(
                _("Tapez au moins un mot de deux lettres ou chiffres, sans ponctuation seule.")
            )
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(
                _("La recherche compte trop de mots (%(max)d au plus)."), params={"max": MAX_WORDS}
            )
        return text

    def criteria(self) -> Criteria:
        """The valid criteria (call after is_valid())."""
        days = PERIODS.get(self.cleaned_data["periode"])
        return Criteria(
            text=self.cleaned_data["q"],
            club=self.clubs.get(self.cleaned_data["club"]),
            since=timezone.now() - timedelta(days=days) if days else None,
        )
