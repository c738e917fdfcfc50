import csv
import io

import pytest
from django.contrib.auth import authenticate
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Enrolment, IssuedCredentials, User
from accounts.roster import parse_roster
from tests.factories import StudentFactory

GOOD = (
    "username,first_name,last_name,email\n"
    "amara.o,Amara,Okafor,amara@example.org\n"
    "ben.h,Ben,Hughes,\n"
    "zoë.k,Zoë,Kowalska,zoe@example.org\n"
)


def _upload(client, classroom, content: bytes, name="roster.csv"):
    return client.post(
        reverse("accounts:roster_upload", args=[classroom.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_roster_preview_then_confirm_creates_enrolled_accounts(client_for, teacher, classroom):
    client = client_for(teacher)
    preview = _upload(client, classroom, GOOD.encode())
    assert "Preview: 3 students" in preview.content.decode()
    assert not User.objects.filter(username="amara.o").exists()  # nothing before confirming

    done = client.post(
        reverse("accounts:roster_confirm", args=[classroom.pk]),
        {"payload": preview.context["payload"]},
    )
    assert "3 accounts created" in done.content.decode()
    assert set(
        Enrolment.objects.filter(classroom=classroom).values_list("student__username", flat=True)
    ) == {"amara.o", "ben.h", "zoë.k"}

    token = IssuedCredentials.objects.get().token
    download = client.get(reverse("accounts:credentials_download", args=[classroom.pk, token]))
    body = download.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [r["username"] for r in rows] == ["amara.o", "ben.h", "zoë.k"]
    # The downloaded password really logs the student in.
    assert authenticate(username="ben.h", password=rows[1]["password"]) is not None

    again = client.get(reverse("accounts:credentials_download", args=[classroom.pk, token]))
    assert again.status_code == 302  # downloadable once only
    assert not IssuedCredentials.objects.exists()


def test_roster_accepts_a_utf8_bom_and_no_email_column(client_for, teacher, classroom):
    content = "\ufeffUsername,First name,Last name\nx1,Xia,Lu\n".encode()
    response = _upload(client_for(teacher), classroom, content)
    assert "Preview: 1 students" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"username,first_name,last_name\na1,Ann,Lee\na1,Al,Lee\n",
            "Line 3: the username 'a1' also appears on line 2.",
        ),
        (b"username,first_name,last_name\na1,,Lee\n", "Line 2: first name is missing."),
        (b"username,first_name,last_name\n,Ann,Lee\n", "Line 2: username is missing."),
        (b"username,first_name,last_name\na1,Ann\n", "Line 2: expected 3 fields, found 2."),
        (b"user,first,last\na1,Ann,Lee\n", "Line 1: the columns must be username, first_name"),
        (b"username,first_name,last_name\nb\xe9a,Bea,Lee\n", "Line 2: the file is not UTF-8 text."),
        (b"username,first_name,last_name\n", "The file has a header but no students."),
        (
            b"username,first_name,last_name,email\na1,Ann,Lee,not-an-email\n",
            "Line 2: 'not-an-email' is not a valid email address.",
        ),
        (b"username,first_name,last_name\nann lee,Ann,Lee\n", "Line 2: the username 'ann lee' may"),
    ],
)
def test_bad_roster_reports_the_line_and_writes_nothing(
    client_for, teacher, classroom, content, message
):
    before = User.objects.count()
    response = _upload(client_for(teacher), classroom, content)
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert message.replace("'", "&#x27;") in page
    assert "payload" not in response.context
    assert User.objects.count() == before


def test_empty_upload_is_refused_with_a_message(client_for, teacher, classroom):
    response = _upload(client_for(teacher), classroom, b"")
    assert "The submitted file is empty." in response.content.decode()
    assert parse_roster(b"").errors == ["The file is empty."]


def test_existing_username_is_reported(client_for, teacher, classroom):
    StudentFactory(username="taken")
    result = parse_roster(b"username,first_name,last_name\nok1,A,B\ntaken,C,D\n")
    assert result.errors == ["Line 3: the username 'taken' is already taken."]


def test_one_bad_row_among_good_ones_blocks_the_whole_file(db):
    result = parse_roster(b"username,first_name,last_name\nok1,A,B\nok2,,D\nok3,E,F\n")
    assert not result.ok
    assert result.errors == ["Line 3: first name is missing."]


def test_forged_payload_is_refused_and_nothing_written(client_for, teacher, classroom):
    forged = signing.dumps({"classroom": classroom.pk, "rows": []}, salt="wrong")
    response = client_for(teacher).post(
        reverse("accounts:roster_confirm", args=[classroom.pk]), {"payload": forged}, follow=True
    )
    assert "expired or was altered" in response.content.decode()
    assert not IssuedCredentials.objects.exists()


def test_payload_for_another_class_is_refused(client_for, teacher, classroom):
    from tests.factories import ClassroomFactory

    second = ClassroomFactory(owner=teacher)
    payload = signing.dumps(
        {
            "classroom": second.pk,
            "rows": [
                {"line": 2, "username": "q1", "first_name": "Q", "last_name": "R", "email": ""}
            ],
        },
        salt="accounts.roster",
        compress=True,
    )
    response = client_for(teacher).post(
        reverse("accounts:roster_confirm", args=[classroom.pk]), {"payload": payload}, follow=True
    )
    assert "belongs to another class" in response.content.decode()
    assert not User.objects.filter(username="q1").exists()


def test_username_taken_between_preview_and_confirm_rolls_everything_back(
    client_for, teacher, classroom
):
    client = client_for(teacher)
    preview = _upload(client, classroom, GOOD.encode())
    StudentFactory(username="ben.h")  # someone else takes it meanwhile
    response = client.post(
        reverse("accounts:roster_confirm", args=[classroom.pk]),
        {"payload": preview.context["payload"]},
        follow=True,
    )
    assert "No accounts were created" in response.content.decode()
    assert not User.objects.filter(username="amara.o").exists()
    assert not Enrolment.objects.filter(classroom=classroom).exists()


def test_other_teacher_cannot_download_the_passwords(client_for, teacher, other_teacher, classroom):
    client = client_for(teacher)
    preview = _upload(client, classroom, GOOD.encode())
    client.post(
        reverse("accounts:roster_confirm", args=[classroom.pk]),
        {"payload": preview.context["payload"]},
    )
    token = IssuedCredentials.objects.get().token
    other = client_for(other_teacher)
    url = reverse("accounts:credentials_download", args=[classroom.pk, token])
    assert other.get(url).status_code == 404
    assert IssuedCredentials.objects.exists()
