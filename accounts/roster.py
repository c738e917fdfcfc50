"""Roster CSV parsing and validation: every problem reported with its line, nothing written."""

import csv
import io
from dataclasses import asdict, dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import User

REQUIRED_COLUMNS = ("username", "first_name", "last_name")
OPTIONAL_COLUMNS = ("email",)
MAX_ROWS = 500


@dataclass(frozen=True)
class RosterRow:
    line: int
    username: str
    first_name: str
    last_name: str
    email: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class RosterResult:
    rows: list[RosterRow]
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _column_name(raw: str) -> str:
    return raw.strip().lower().replace(" ", "_").replace("-", "_")


def parse_roster(data: bytes) -> RosterResult:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return RosterResult(
            [],
            [
                f"Line {line}: the file is not UTF-8 text. Save it as "
                "“CSV UTF-8” from your spreadsheet and upload it again."
            ],
        )
    if not text.strip():
        return RosterResult([], ["The file is empty."])
    if "\x00" in text:
        return RosterResult([], ["This is not a CSV file."])

    reader = csv.reader(io.StringIO(text, newline=""))
    header = [_column_name(name) for name in next(reader)]
    allowed = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in allowed]
    if missing or unknown or len(set(header)) != len(header):
        return RosterResult(
            [],
            [
                "Line 1: the columns must be username, first_name, last_name and optionally email"
                f" (found: {', '.join(header) or 'nothing'})."
            ],
        )

    rows, errors = [], []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            errors.append(f"Line {line}: expected {len(header)} fields, found {len(record)}.")
            continue
        values = {name: cell.strip() for name, cell in zip(header, record, strict=True)}
        row = RosterRow(
            line=line,
            username=values["username"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            email=values.get("email", ""),
        )
        errors.extend(_row_errors(row, seen))
        seen.setdefault(row.username.lower(), line)
        rows.append(row)
    if len(rows) > MAX_ROWS:
        errors.append(f"The file has {len(rows)} students; import at most {MAX_ROWS} at once.")
    if not rows and not errors:
        errors.append("The file has a header but no students.")

    taken = set(
        User.objects.filter(username__in=[r.username for r in rows]).values_list(
            "username", flat=True
        )
    )
    errors.extend(
        f"Line {r.line}: the username {r.username!r} is already taken."
        for r in rows
        if r.username in taken
    )
    return RosterResult(rows, errors)


def _row_errors(row: RosterRow, seen: dict[str, int]) -> list[str]:
    errors = []
    for field in REQUIRED_COLUMNS:
        if not getattr(row, field):
            errors.append(f"Line {row.line}: {field.replace('_', ' ')} is missing.")
    if row.username:
        try:
            UnicodeUsernameValidator()(row.username)
        except ValidationError:
            errors.append(
                f"Line {row.line}: the username {row.username!r} may contain only "
                "letters, digits and @ . + - _"
            )
        if len(row.username) > 150:
            errors.append(f"Line {row.line}: the username is longer than 150 characters.")
        if row.username.lower() in seen:
            errors.append(
                f"Line {row.line}: the username {row.username!r} also appears on "
                f"line {seen[row.username.lower()]}."
            )
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            errors.append(f"Line {row.line}: {row.email!r} is not a valid email address.")
    for field in ("first_name", "last_name"):
        if len(getattr(row, field)) > 150:
            errors.append(f"Line {row.line}: {field.replace('_', ' ')} is too long.")
    return errors
