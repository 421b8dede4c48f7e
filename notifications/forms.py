from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Frequency, Kind


class PreferencesForm(forms.Form):
    """One group of choices per kind of notification, and the digest's frequency."""

    def __init__(self, *args, preference, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                widget=forms.RadioSelect,
                initial=preference.channel(kind.value),
            )
        self.fields["digest_frequency"] = forms.ChoiceField(
            label=_("Recevoir le récapitulatif de mes clubs par courriel"),
            choices=Frequency.choices,
            widget=forms.RadioSelect,
            initial=preference.digest_frequency,
        )

    def channel_fields(self):
        return [self[kind.value] for kind in Kind]

    def channels(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[kind.value] for kind in Kind}
