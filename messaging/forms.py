"""Forms of the discussion pages: they parse; the actions decide."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from clubs.models import Club

from .actions import MAX_POST_LENGTH, MAX_REASON_LENGTH, MAX_TITLE_LENGTH
from .models import Reaction, ThreadSubscription


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


POST_HELP = _(
    "Mise en forme Markdown : **gras**, *italique*, listes, > citation, `code`, tableaux. "
    "Mentionnez un membre du club avec @ suivi de son identifiant."
)


class PostForm(forms.Form):
    source = forms.CharField(
        label=_("Votre message"),
        max_length=MAX_POST_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=POST_HELP,
    )
    uploads = MultipleFileField(
        label=_("Pièces jointes (facultatif)"),
        required=False,
        help_text=_(
            "PDF, documents Office ou OpenDocument, images, CSV, ZIP ; 5 fichiers au plus."
        ),
    )
    # Chosen when the form is shown: submitting it twice makes one post.
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4().hex)


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Titre"), max_length=MAX_TITLE_LENGTH)
    field_order = ["title", "source", "uploads", "client_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].label = _("Votre question ou votre message")


class EditForm(forms.Form):
    source = forms.CharField(
        label=_("Message"),
        max_length=MAX_POST_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=POST_HELP,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (visible des membres du club)"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi signalez-vous ce message ?"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Seule l'équipe de modération du club lit ce motif ; l'auteur ou l'autrice du "
            "message ne sait pas qui l'a signalé. 500 caractères au plus."
        ),
        error_messages={"required": _("Indiquez un motif.")},
    )


class ResolutionForm(forms.Form):
    """A moderator's decision on a report speaks to two audiences, each with its own field."""

    public_reason = forms.CharField(
        label=_("Motif affiché à la place du message, si vous le masquez (facultatif)"),
        max_length=MAX_REASON_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Les membres du club le lisent. Sans motif, ils lisent « après un signalement »."
        ),
    )
    note = forms.CharField(
        label=_("Note pour la personne qui a signalé (facultatif)"),
        max_length=MAX_REASON_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Elle seule la lit, dans le courriel qui lui dit votre décision."),
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class SubscriptionForm(forms.Form):
    level = forms.ChoiceField(
        choices=[*ThreadSubscription.Level.choices, ("none", _("par défaut"))]
    )


class ToggleForm(forms.Form):
    on = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class MoveForm(forms.Form):
    club = forms.ModelChoiceField(label=_("Club de destination"), queryset=Club.objects.none())

    def __init__(self, *args, clubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["club"].queryset = clubs
