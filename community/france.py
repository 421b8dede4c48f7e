"""French administrative references: the départements, and the SIRET check, taken from
django-localflavor (INSEE's list) and python-stdnum (the SIRET rules), in the site's words."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from localflavor.fr.fr_department import DEPARTMENT_CHOICES_PER_REGION
from stdnum.fr import siret

#: (code, "code — name") pairs, in the official order, for a form's choices: the départements,
#: overseas ones included (971 to 976), that is the entries attached to a region; the overseas
#: collectivities (975, 977 and after) are not départements.
DEPARTEMENTS: list[tuple[str, str]] = [
    (code, f"{code} — {name}") for code, name, region in DEPARTMENT_CHOICES_PER_REGION if region
]

_FOURTEEN_DIGITS = re.compile(r"[0-9]{14}")


def validate_siret(value: str) -> None:
    """Fourteen digits whose check holds: the Luhn checksum, except for La Poste's
    establishments (SIREN 356000000), whose digits add up to a multiple of 5 — python-stdnum
    knows both (django-localflavor 5.1's field checks the SIREN part only)."""
    if not _FOURTEEN_DIGITS.fullmatch(value):
        raise ValidationError(
            _("Un SIRET compte exactement 14 chiffres, sans espace ni lettre."), code="siret_format"
        )
    if not siret.is_valid(value):
        raise ValidationError(
            _("Ce SIRET n'existe pas : un chiffre est sans doute mal recopié."),
            code="siret_checksum",
        )
