"""Login throttling with django-axes: 5 wrong passwords lock that username from that IP."""

import pytest
from django.urls import reverse

from accounts.models import User
from common.middleware import client_ip
from tests.factories import PASSWORD, StudentFactory

LOCKED = 429


@pytest.fixture
def pupil(db):
    return StudentFactory(username="pupil")


def log_in(client, password, *, username="pupil", ip="192.0.2.10", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **extra,
    )


def logged_in_as(client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def test_login_four_wrong_passwords_still_allow_a_fifth_try(client, pupil):
    replies = [log_in(client, "wrong-password") for _ in range(4)]

    assert [r.status_code for r in replies] == [200, 200, 200, 200]
    assert "Please enter a correct username and password" in replies[-1].content.decode()


def test_login_locked_after_five_wrong_passwords_even_with_the_right_one(client, pupil):
    fifth = [log_in(client, "wrong-password") for _ in range(5)][-1]

    sixth = log_in(client, PASSWORD)

    html = sixth.content.decode()
    assert (fifth.status_code, sixth.status_code) == (LOCKED, LOCKED)
    assert "Too many wrong passwords" in html
    assert "Logging in as <strong>pupil</strong> from this device has been paused" in html
    assert "Try again in 15 minutes" in html
    assert logged_in_as(client) is None


def test_login_lockout_is_per_ip_address(client, pupil):
    for _ in range(5):
        log_in(client, "wrong-password", ip="192.0.2.10")

    elsewhere = log_in(client, PASSWORD, ip="198.51.100.7")

    assert elsewhere.status_code == 302
    assert logged_in_as(client) == pupil.pk


def test_login_lockout_is_per_username(client, pupil):
    classmate = StudentFactory(username="classmate")
    for _ in range(5):
        log_in(client, "wrong-password")

    # The same school IP: another pupil is not locked out by this one's mistakes.
    reply = log_in(client, PASSWORD, username="classmate")

    assert reply.status_code == 302
    assert logged_in_as(client) == classmate.pk


def test_login_forged_forwarded_for_does_not_lift_the_lockout(client, pupil):
    for _ in range(5):
        log_in(client, "wrong-password")

    reply = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert reply.status_code == LOCKED
    assert logged_in_as(client) is None


def test_login_success_resets_the_failure_count(client, pupil):
    for _ in range(4):
        log_in(client, "wrong-password")
    assert log_in(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    replies = [log_in(client, "wrong-password") for _ in range(4)]
    last = log_in(client, PASSWORD)

    assert [r.status_code for r in replies] == [200, 200, 200, 200]
    assert last.status_code == 302
    assert logged_in_as(client) == pupil.pk


def test_login_lockout_applies_to_the_admin_login_too(client, admin_user):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "root", "password": "nope"}, REMOTE_ADDR="192.0.2.10")

    reply = client.post(url, {"username": "root", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10")

    assert reply.status_code == LOCKED
    assert not User.objects.get(pk=admin_user.pk).last_login


def test_client_ip_without_proxies_ignores_forwarded_for(rf, settings):
    settings.LOGIN_THROTTLE_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert client_ip(request) == "10.0.0.1"


def test_client_ip_behind_one_proxy_takes_the_address_the_proxy_saw(rf, settings):
    settings.LOGIN_THROTTLE_PROXY_COUNT = 1
    # The client forged the first entry; our proxy appended the address it really saw.
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7")

    assert client_ip(request) == "198.51.100.7"
