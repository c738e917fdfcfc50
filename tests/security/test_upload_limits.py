"""Request bodies over the hard cap are refused with a friendly 413 before a byte is read; the
forms' own 1 MB roster and 5 MB corpus messages still answer anything under the cap."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from archive.models import Document

MB = 1024 * 1024


def roster_upload(client, classroom, size: int, **extra):
    body = b"username,first_name,last_name\n" + b"x" * (size - 30)
    upload = SimpleUploadedFile("roster.csv", body, content_type="text/csv")
    return client.post(
        reverse("accounts:roster_upload", args=[classroom.pk]), {"file": upload}, **extra
    )


def test_upload_over_the_cap_is_refused_with_a_friendly_413(client_for, teacher, classroom):
    before = User.objects.count()

    reply = roster_upload(client_for(teacher), classroom, 11 * MB)

    html = reply.content.decode()
    assert reply.status_code == 413
    assert "That is too large to send" in html
    assert "uploads of up to 10 MB" in html
    assert "Class lists (CSV) can be up to 1 MB and corpus text files up to 5 MB" in html
    assert reply["Connection"] == "close"
    assert User.objects.count() == before


def test_body_over_the_cap_is_never_read(client_for, teacher, classroom):
    # The request claims 50 MB but carries a few bytes: had Django tried to read (or spool) the
    # body, the test client's payload would raise instead of answering.
    reply = client_for(teacher).generic(
        "POST",
        reverse("accounts:roster_upload", args=[classroom.pk]),
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * MB),
    )

    assert reply.status_code == 413


def test_the_413_page_keeps_the_security_headers(client_for, teacher, classroom):
    reply = roster_upload(client_for(teacher), classroom, 11 * MB)

    assert "frame-ancestors 'none'" in reply["Content-Security-Policy"]
    assert "unsafe-inline" not in reply["Content-Security-Policy"]
    assert reply["X-Frame-Options"] == "DENY"


def test_form_data_over_the_data_limit_is_a_413_not_a_bare_400(client_for, teacher, classroom):
    reply = client_for(teacher).post(
        reverse("accounts:classroom_edit", args=[classroom.pk]),
        "name=" + "x" * (6 * MB),
        content_type="application/x-www-form-urlencoded",
    )

    classroom.refresh_from_db()
    assert reply.status_code == 413
    assert "larger than the 5 MB Provenance accepts" in reply.content.decode()
    assert classroom.name == "12A History"


def test_roster_under_the_cap_still_gets_the_forms_1_mb_message(client_for, teacher, classroom):
    reply = roster_upload(client_for(teacher), classroom, 3 * MB)

    assert reply.status_code == 200
    assert "The file is larger than 1 MB." in reply.content.decode()


def test_corpus_file_under_the_cap_still_gets_the_forms_5_mb_message(admin_client):
    upload = SimpleUploadedFile("corpus.txt", b"a" * (7 * MB), content_type="text/plain")

    reply = admin_client.post(reverse("admin:archive_document_import"), {"file": upload})

    assert reply.status_code == 200
    assert "corpus.txt is 7 MB; corpus files must be under 5 MB." in reply.content.decode()
    assert not Document.objects.exists()


@override_settings(REQUEST_BODY_MAX_SIZE=2 * MB)
def test_the_cap_is_configurable(client_for, teacher, classroom):
    reply = roster_upload(client_for(teacher), classroom, 3 * MB)

    assert reply.status_code == 413
    assert "uploads of up to 2 MB" in reply.content.decode()


@pytest.mark.parametrize("size", [MB // 2, 4 * MB])
def test_requests_under_the_limits_pass_through(client_for, teacher, classroom, size):
    reply = client_for(teacher).post(
        reverse("accounts:classroom_edit", args=[classroom.pk]),
        {"name": "Renamed", "subject": "History", "academic_year": "2026-27", "pad": "x" * size},
    )

    classroom.refresh_from_db()
    assert reply.status_code == 302
    assert classroom.name == "Renamed"
