import re

from playwright.sync_api import expect

from accounts.models import Classroom, Enrolment
from tests.e2e.conftest import assert_accessible


def test_teacher_creates_a_class_and_reads_its_code(page, login, teacher):
    login("alice")
    assert_accessible(page)
    page.get_by_role("link", name="New class").first.click()
    page.get_by_label("Name").fill("Year 12 Revolution")
    page.get_by_label("Academic year").fill("2026-27")
    assert_accessible(page)
    page.get_by_role("button", name="Save class").click()

    classroom = Classroom.objects.get(name="Year 12 Revolution")
    expect(page.get_by_test_id("join-code")).to_have_text(classroom.join_code)
    expect(page.get_by_role("status").first).to_contain_text(classroom.join_code)
    assert_accessible(page)


def test_student_joins_with_the_code_and_sees_the_class(page, login, classroom, outsider):
    login("charlie")
    assert_accessible(page)
    page.get_by_role("link", name="Join a class").first.click()
    assert_accessible(page)
    page.get_by_label("Class code").fill(classroom.join_code.lower())
    page.get_by_role("button", name="Join class").click()

    expect(page.get_by_role("status").first).to_contain_text(f"You joined {classroom.name}")
    expect(page.get_by_role("region", name="My classes")).to_contain_text(classroom.name)
    assert Enrolment.objects.filter(student=outsider, classroom=classroom).exists()
    assert_accessible(page)


def test_wrong_code_shows_the_message(page, login, classroom, outsider):
    login("charlie")
    page.get_by_role("link", name="Join a class").first.click()
    page.get_by_label("Class code").fill("WRONG-CODE")
    page.get_by_role("button", name="Join class").click()

    expect(page.get_by_text(re.compile("does not match any class"))).to_be_visible()
    assert not Enrolment.objects.filter(student=outsider).exists()
    assert_accessible(page)


def test_login_page_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="Log in to Provenance")).to_be_visible()
    assert_accessible(page)
