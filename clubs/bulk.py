"""Reading lists of addresses for bulk invitations: pasted text or a CSV file.

Both parsers return `Row`s with the line they came from; a malformed entry is a Row whose `email`
is None (it is reported, the valid rows are still processed).
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from community.models import normalise_email

#: Header names recognised as the address column of a CSV file (compared in lower case).
EMAIL_HEADERS = frozenset(
    {"email", "e-mail", "mail", "courriel", "adresse électronique", "adresse email", "adresse"}
)

_SEPARATORS = re.compile(r"[,;]")
_ANGLE = re.compile(r"<([^<>]*)>")
_TRIM = "\"'()[]<>.:"


@dataclass(frozen=True)
class Row:
    """One entry of a list: its line number (from 1), the text as given, and the normalised
    address if it is a valid one (None otherwise)."""

    line: int
    value: str
    email: str | None

    @property
    def is_valid(self) -> bool:
        return self.email is not None


def clean_email(value: str) -> str | None:
    """The normalised (lower-case) address, or None if `value` is not a valid address."""
    candidate = value.strip().strip(_TRIM).strip()
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[len("mailto:") :]
    if not candidate or len(candidate) > 254:
        return None
    try:
        validate_email(candidate)
    except ValidationError:
        return None
    return normalise_email(candidate)


def _row(line: int, value: str) -> Row:
    return Row(line=line, value=value.strip(), email=clean_email(value))


def _entries_of_chunk(chunk: str) -> list[str]:
    """Addresses in a piece of text without commas or semicolons.

    "Jean Dupont <jean@x.fr>" gives the address between angle brackets. Otherwise the chunk is
    split on spaces; if some words contain "@", the others are taken for names and dropped.
    """
    chunk = chunk.strip()
    if not chunk:
        return []
    if "<" in chunk:
        inside = [m.strip() for m in _ANGLE.findall(chunk)]
        outside = _ANGLE.sub(" ", chunk).split()
        return [e for e in inside if e] + [w for w in outside if "@" in w]
    words = chunk.split()
    with_at = [w for w in words if "@" in w]
    return with_at or [chunk]


def parse_text(text: str) -> list[Row]:
    """Addresses pasted in a text box: separated by new lines, commas, semicolons or spaces;
    "Name <address>" forms accepted. Blank entries are skipped."""
    rows: list[Row] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for chunk in _SEPARATORS.split(line):
            rows.extend(_row(number, entry) for entry in _entries_of_chunk(chunk))
    return rows


def decode(data: bytes | str) -> str:
    """File bytes as text: UTF-8 (with or without BOM), falling back to Latin-1."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _dialect(text: str):
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def parse_csv(data: bytes | str) -> list[Row]:
    """A CSV file (spreadsheet export). The address column is the one headed "email" (or
    "courriel", "e-mail"…, case-insensitive); without such a header, the first column, and the
    first line is data. Separators "," ";" and tabulation are recognised. Line numbers are those
    of the file."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text), _dialect(text))
    rows: list[Row] = []
    column = 0
    first = True
    try:
        for record in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if first:
                first = False
                headers = [cell.lower() for cell in cells]
                found = next((i for i, h in enumerate(headers) if h in EMAIL_HEADERS), None)
                if found is not None:
                    column = found
                    continue
            value = cells[column] if column < len(cells) else ""
            rows.append(Row(line=line, value=value or ";".join(cells), email=clean_email(value)))
    except csv.Error:
        # An unreadable end of file (e.g. an unclosed quote): report it, keep what was read.
        rows.append(Row(line=reader.line_num, value="", email=None))
    return rows


def parse_list(items: Iterable[str]) -> list[Row]:
    """A list of addresses given one per item (line number = position from 1)."""
    return [_row(number, item) for number, item in enumerate(items, start=1) if item.strip()]


def parse_any(rows: "str | bytes | Iterable[str | Row]") -> list[Row]:
    """Whatever `actions.invite_many` receives: pasted text (str), CSV file content (bytes),
    a list of addresses, or already-parsed Rows."""
    if isinstance(rows, bytes):
        return parse_csv(rows)
    if isinstance(rows, str):
        return parse_text(rows)
    items = list(rows)
    parsed = [item for item in items if isinstance(item, Row)]
    if len(parsed) == len(items):
        return parsed
    return parse_list(str(item) for item in items)
