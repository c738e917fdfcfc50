"""Initial passwords: downloaded once, as a CSV a spreadsheet cannot turn into formulas, and
never kept in plain text for more than a day."""

import csv
import io
import itertools
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import IssuedCredentials
from accounts.roster import RosterRow
from common.exports import FORMULA_PREFIXES

FORMULA = '=HYPERLINK("http://evil.example","click")'
_usernames = itertools.count(1)


def issue(classroom, teacher, *names):
    rows = [
        RosterRow(line=n, username=f"pupil{next(_usernames)}", first_name=first, last_name="Lee")
        for n, first in enumerate(names, start=2)
    ]
    return services.roster_create_accounts(classroom=classroom, teacher=teacher, rows=rows)


def stored(classroom, teacher, *, age):
    """A credentials record as an import leaves it, `age` old (no import runs, so no purge)."""
    record = IssuedCredentials.objects.create(
        classroom=classroom,
        issued_by=teacher,
        rows=[{"username": "x", "first_name": "X", "last_name": "Y", "password": "p-q-r"}],
    )
    IssuedCredentials.objects.filter(pk=record.pk).update(created_at=timezone.now() - age)
    return record


def download(client, classroom, issued):
    return client.get(reverse("accounts:credentials_download", args=[classroom.pk, issued.token]))


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_formula_in_a_name_is_neutralised_in_the_passwords_csv(client_for, teacher, classroom):
    issued = issue(classroom, teacher, FORMULA, "+SUM(A1:A9)", "Ada")

    response = download(client_for(teacher), classroom, issued)

    header, *rows = read_csv(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert header == ["username", "first_name", "last_name", "password"]
    assert [row[1] for row in rows] == ["'" + FORMULA, "'+SUM(A1:A9)", "Ada"]
    for row in rows:
        assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row), row
        # The guard never touches a password: each one logs its student in as downloaded.
        assert authenticate(username=row[0], password=row[3]) is not None


def test_initial_passwords_never_start_like_a_formula():
    passwords = {services.new_initial_password() for _ in range(300)}

    assert len(passwords) == 300
    assert not any(p.startswith(FORMULA_PREFIXES) for p in passwords)
    assert all(len(p) == 17 and p.count("-") == 2 for p in passwords)


def test_purge_deletes_only_credentials_older_than_a_day(teacher, classroom):
    old = stored(classroom, teacher, age=timedelta(hours=24, minutes=1))
    fresh = stored(classroom, teacher, age=timedelta(hours=23))

    deleted = services.credentials_purge_expired()

    assert deleted == 1
    assert list(IssuedCredentials.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not IssuedCredentials.objects.filter(pk=old.pk).exists()


def test_expired_credentials_cannot_be_downloaded(client_for, teacher, classroom):
    issued = stored(classroom, teacher, age=timedelta(days=2))

    response = download(client_for(teacher), classroom, issued)

    assert response.status_code == 302
    assert response["Location"] == classroom.get_absolute_url()
    assert not IssuedCredentials.objects.exists()
    page = client_for(teacher).get(response["Location"]).content.decode()
    assert "not downloaded within a day and have been deleted" in page


def test_downloading_purges_other_expired_credentials(client_for, teacher, classroom):
    current = issue(classroom, teacher, "Now")
    stale = stored(classroom, teacher, age=timedelta(days=3))  # after the import's own purge

    response = download(client_for(teacher), classroom, current)

    assert response.status_code == 200
    assert not IssuedCredentials.objects.filter(pk__in=[stale.pk, current.pk]).exists()


def test_a_roster_import_purges_expired_credentials(
    teacher, classroom, other_teacher, other_classroom
):
    stale = stored(other_classroom, other_teacher, age=timedelta(days=2))

    issue(classroom, teacher, "New")

    assert not IssuedCredentials.objects.filter(pk=stale.pk).exists()
    assert IssuedCredentials.objects.count() == 1


@pytest.mark.parametrize(("ages", "expected"), [([], 0), ([2], 1), ([2, 5, 0], 2)])
def test_purge_command_reports_what_it_deleted(teacher, classroom, ages, expected):
    for days in ages:
        stored(classroom, teacher, age=timedelta(days=days, seconds=1))
    out = io.StringIO()

    call_command("purge_issued_credentials", stdout=out)

    noun = "set" if expected == 1 else "sets"
    assert out.getvalue().strip() == (
        f"Deleted {expected} {noun} of initial passwords older than 24 hours."
    )
    assert IssuedCredentials.objects.count() == len(ages) - expected
