"""The permission matrix: every named URL, every role, one explicit expected outcome.

The list of URLs comes from the URLconf itself, so a new URL without a row in EXPECTATIONS
fails `test_every_url_has_an_expectation` by name. Each role's test builds the same world (a
class, a unit given to it, an assessment set twice to it, an attempt in progress and a
submitted, marked-in-progress attempt of `student`, a second-marking request, a document) in
which everything *could* leak, then GETs every URL (and POSTs every state-changing one) as that
role and reports every mismatch at once.

Outcomes: LOGIN (a redirect to the site's or the admin's login page, or the autosave API's 401
JSON), or a status code (200, 302 for a success redirect that is not a login page, 403, 404,
405, ...). A refused POST (LOGIN, 403, 404, 405) must leave every row of every table of our
apps unchanged. Every request runs in a savepoint that is rolled back, so requests don't see
each other's writes.
"""

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import SecondMarking
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    AttemptFactory,
    ContextItemFactory,
    DocumentFactory,
    ExtendedQuestionFactory,
    LessonFactory,
    PublishedUnitFactory,
    TeacherFactory,
)

LOGIN = "login"
REFUSED = {LOGIN, 403, 404, 405}
ROLES = ("anonymous", "student", "other_student", "teacher", "other_teacher", "admin")

# Django's own admin screens (index, login, model changelists and forms) are covered by the
# admin smoke tests and by the model admins' permission methods; our custom screens are not
# stock and must appear in EXPECTATIONS.
STOCK_ADMIN = re.compile(
    r"^admin:(index|login|logout|password_change|password_change_done|autocomplete|jsi18n|"
    r"view_on_site|app_list|auth_user_password_change|\w+_(changelist|add|history|delete|change))$"
)


def roles(**outcomes) -> dict:
    assert set(outcomes) == set(ROLES), f"name every role: {sorted(set(ROLES) ^ set(outcomes))}"
    return outcomes


def teacher_of_class(ok=200, *, other_teacher=404) -> dict:
    """Class-scoped teacher pages: students 403, a teacher of another class 404."""
    return roles(
        anonymous=LOGIN,
        student=403,
        other_student=403,
        teacher=ok,
        other_teacher=other_teacher,
        admin=ok,
    )


def any_teacher(ok=200) -> dict:
    """Teacher pages that list only the teacher's own things."""
    return teacher_of_class(ok, other_teacher=ok)


def the_student(ok=200, *, admin=403, teacher=403) -> dict:
    """The student's own object: another student 404, teachers 403 (wrong role)."""
    return roles(
        anonymous=LOGIN,
        student=ok,
        other_student=404,
        teacher=teacher,
        other_teacher=teacher,
        admin=admin,
    )


def any_student(ok=200, other=None) -> dict:
    return roles(
        anonymous=LOGIN,
        student=ok,
        other_student=ok if other is None else other,
        teacher=403,
        other_teacher=403,
        admin=403,
    )


def in_the_class(ok=200) -> dict:
    """What the class shares: its student and its teacher (and admin); others 404."""
    return roles(
        anonymous=LOGIN, student=ok, other_student=404, teacher=ok, other_teacher=404, admin=ok
    )


def anyone_logged_in(ok=200) -> dict:
    return roles(
        anonymous=LOGIN, student=ok, other_student=ok, teacher=ok, other_teacher=ok, admin=ok
    )


def post_only() -> dict:
    """@require_POST is the outermost decorator: a GET is a 405 for everyone."""
    return roles(
        anonymous=405, student=405, other_student=405, teacher=405, other_teacher=405, admin=405
    )


def admin_screen(*, teacher=200, other_teacher=200, admin=200) -> dict:
    """admin_site.admin_view: anyone not staff is sent to the admin's login page."""
    return roles(
        anonymous=LOGIN,
        student=LOGIN,
        other_student=LOGIN,
        teacher=teacher,
        other_teacher=other_teacher,
        admin=admin,
    )


@dataclass(frozen=True)
class Expect:
    get: dict
    post: dict | None = None  # None: not a state-changing URL, not POSTed
    args: Callable = field(default=lambda w: [])
    data: Callable = field(default=lambda w: {})
    json: bool = False


@dataclass
class World:
    classroom: object
    other_classroom: object
    student: object
    other_student: object
    teacher: object
    document: object
    unit: object
    lesson: object
    assessment: object
    open_assignment: object
    attempt: object
    response: object
    marked_assignment: object
    submitted: object
    submitted_response: object
    second: object


EXPECTATIONS: dict[str, Expect] = {
    # --- site shell -----------------------------------------------------------------------
    "home": Expect(get=anyone_logged_in()),
    "login": Expect(
        get=roles(
            anonymous=200, student=302, other_student=302, teacher=302, other_teacher=302, admin=302
        ),
        # An empty form: the page again with errors; logged-in users are sent home.
        post=roles(
            anonymous=200, student=302, other_student=302, teacher=302, other_teacher=302, admin=302
        ),
    ),
    # LogoutView is POST-only since Django 5.
    "logout": Expect(
        get=post_only(),
        # Success sends everyone to the login page (LOGOUT_REDIRECT_URL).
        post=anyone_logged_in(LOGIN) | {"anonymous": LOGIN},
    ),
    "password_change": Expect(get=anyone_logged_in(), post=anyone_logged_in(200)),
    "password_change_done": Expect(get=anyone_logged_in()),
    # --- accounts -------------------------------------------------------------------------
    "accounts:classroom_list": Expect(get=any_teacher()),
    "accounts:classroom_create": Expect(get=any_teacher(), post=any_teacher(200)),
    "accounts:join": Expect(get=any_student(), post=any_student(200)),
    "accounts:classroom_detail": Expect(get=teacher_of_class(), args=lambda w: [w.classroom.pk]),
    "accounts:classroom_edit": Expect(
        get=teacher_of_class(), post=teacher_of_class(200), args=lambda w: [w.classroom.pk]
    ),
    "accounts:classroom_regenerate_code": Expect(
        get=post_only(),
        post=teacher_of_class(302),
        args=lambda w: [w.classroom.pk],
    ),
    "accounts:classroom_remove_student": Expect(
        get=post_only(),
        post=teacher_of_class(302),
        args=lambda w: [w.classroom.pk, w.student.pk],
    ),
    "accounts:classroom_add_co_teacher": Expect(
        get=post_only(),
        post=teacher_of_class(302),
        args=lambda w: [w.classroom.pk],
    ),
    "accounts:roster_upload": Expect(
        get=teacher_of_class(), post=teacher_of_class(200), args=lambda w: [w.classroom.pk]
    ),
    "accounts:roster_confirm": Expect(
        get=post_only(),
        # A missing or forged payload: back to the upload page with a message.
        post=teacher_of_class(302),
        args=lambda w: [w.classroom.pk],
        data=lambda w: {"payload": "forged"},
    ),
    "accounts:credentials_download": Expect(
        # An unknown token: back to the class page, nothing downloaded.
        get=teacher_of_class(302),
        args=lambda w: [w.classroom.pk, "not-a-token"],
    ),
    # --- archive: the shared corpus, for every logged-in user -------------------------------
    "archive:browse": Expect(get=anyone_logged_in()),
    "archive:document": Expect(get=anyone_logged_in(), args=lambda w: [w.document.pk]),
    "archive:chronicle": Expect(get=anyone_logged_in()),
    # --- lessons --------------------------------------------------------------------------
    "lessons:unit_list": Expect(get=anyone_logged_in()),
    "lessons:unit": Expect(
        get=in_the_class(),
        args=lambda w: [w.unit.pk],
    ),
    "lessons:lesson": Expect(
        get=in_the_class(),
        args=lambda w: [w.unit.pk, w.lesson.pk],
    ),
    # --- assessments: students --------------------------------------------------------------
    "assessments:my_work": Expect(get=any_student()),
    "assessments:attempt_start": Expect(
        get=post_only(),
        # One attempt allowed and already started: back to My work with a message.
        post=any_student(302, other=404),
        args=lambda w: [w.open_assignment.pk],
    ),
    "assessments:attempt": Expect(get=the_student(), args=lambda w: [w.attempt.pk]),
    "assessments:attempt_submit": Expect(
        get=the_student(), post=the_student(302), args=lambda w: [w.attempt.pk]
    ),
    "assessments:autosave": Expect(
        get=post_only(),
        post=the_student(200),
        args=lambda w: [w.attempt.pk, w.response.pk],
        data=lambda w: {"version": 0, "text": "Written by someone else."},
        json=True,
    ),
    "assessments:feedback": Expect(get=the_student(), args=lambda w: [w.submitted.pk]),
    "assessments:my_progress": Expect(
        get=any_student() | {"teacher": 404, "other_teacher": 404, "admin": 404}
    ),
    "assessments:student_progress": Expect(
        get=in_the_class(),
        args=lambda w: [w.student.pk],
    ),
    # --- assessments: teachers ----------------------------------------------------------------
    "assessments:assignment_list_teacher": Expect(get=any_teacher()),
    "assessments:assignment_create": Expect(get=any_teacher(), post=any_teacher(200)),
    "assessments:assignment_teacher": Expect(
        get=teacher_of_class(), args=lambda w: [w.open_assignment.pk]
    ),
    "assessments:assignment_edit": Expect(
        get=teacher_of_class(), post=teacher_of_class(200), args=lambda w: [w.open_assignment.pk]
    ),
    "assessments:extension_edit": Expect(
        get=teacher_of_class(),
        post=teacher_of_class(200),
        args=lambda w: [w.open_assignment.pk, w.student.pk],
    ),
    "assessments:extension_delete": Expect(
        get=post_only(),
        post=teacher_of_class(302),
        args=lambda w: [w.open_assignment.pk, w.student.pk],
    ),
    "assessments:marking": Expect(get=teacher_of_class(), args=lambda w: [w.marked_assignment.pk]),
    "assessments:marking_start": Expect(
        get=teacher_of_class(302), args=lambda w: [w.marked_assignment.pk]
    ),
    "assessments:mark_response": Expect(
        get=teacher_of_class(),
        post=teacher_of_class(200),
        args=lambda w: [w.marked_assignment.pk, w.submitted_response.pk],
    ),
    "assessments:feedback_release": Expect(
        get=post_only(),
        post=teacher_of_class(302),
        args=lambda w: [w.marked_assignment.pk],
    ),
    "assessments:second_marking_list": Expect(get=any_teacher()),
    "assessments:second_marking_new": Expect(
        get=teacher_of_class(),
        post=teacher_of_class(200),
        args=lambda w: [w.marked_assignment.pk],
    ),
    "assessments:second_marking": Expect(
        get=teacher_of_class(), args=lambda w: [w.marked_assignment.pk, w.second.pk]
    ),
    # The blind queue and screen are only for the colleague asked (a co-teacher not in the
    # cast): even the class owner and an administrator get a 404.
    "assessments:second_marking_start": Expect(
        get=teacher_of_class(404), args=lambda w: [w.marked_assignment.pk, w.second.pk]
    ),
    "assessments:second_mark": Expect(
        get=teacher_of_class(404),
        post=teacher_of_class(404),
        args=lambda w: [w.marked_assignment.pk, w.second.pk, w.submitted_response.pk],
    ),
    "assessments:second_marking_settle": Expect(
        get=post_only(),
        post=teacher_of_class(302),
        args=lambda w: [w.marked_assignment.pk, w.second.pk, w.submitted_response.pk],
    ),
    # --- assessments: dashboards and exports ---------------------------------------------------
    "assessments:class_overview": Expect(get=teacher_of_class(), args=lambda w: [w.classroom.pk]),
    "assessments:class_skills": Expect(get=teacher_of_class(), args=lambda w: [w.classroom.pk]),
    "assessments:student_skills": Expect(
        get=teacher_of_class(), args=lambda w: [w.classroom.pk, w.student.pk]
    ),
    "assessments:class_export": Expect(
        get=teacher_of_class(), args=lambda w: [w.classroom.pk, "responses", "csv"]
    ),
    "assessments:assignment_results": Expect(
        get=teacher_of_class(), args=lambda w: [w.marked_assignment.pk]
    ),
    "assessments:assignment_sources": Expect(
        get=teacher_of_class(), args=lambda w: [w.marked_assignment.pk]
    ),
    "assessments:assignment_export": Expect(
        get=teacher_of_class(), args=lambda w: [w.marked_assignment.pk, "responses", "xlsx"]
    ),
    # --- admin: our own screens ---------------------------------------------------------------
    "admin:archive_document_pick_excerpt": Expect(
        get=admin_screen(),
        post=admin_screen(),  # no selection: the picker again with an error
        args=lambda w: [w.document.pk],
    ),
    # Importing into the shared corpus is for administrators only.
    "admin:archive_document_import": Expect(
        get=admin_screen(teacher=403, other_teacher=403),
        post=admin_screen(teacher=403, other_teacher=403),
    ),
    "admin:archive_document_export": Expect(get=admin_screen()),
    "admin:lessons_unit_preview": Expect(
        get=admin_screen(other_teacher=404), args=lambda w: [w.unit.pk]
    ),
    "admin:lessons_lesson_preview": Expect(
        get=admin_screen(other_teacher=404), args=lambda w: [w.lesson.pk]
    ),
    "admin:assessments_assessment_preview": Expect(
        get=admin_screen(other_teacher=404), args=lambda w: [w.assessment.pk]
    ),
}


def url_names() -> list[str]:
    """Every named URL of the project, namespaced, except Django's stock admin screens."""
    names = []

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if not STOCK_ADMIN.match(name):
                    names.append(name)

    walk(get_resolver(), "")
    return sorted(set(names))


def outcome(response):
    if response.status_code == 401:
        return LOGIN
    if response.status_code == 302:
        path = urlsplit(response["Location"]).path
        if path in (resolve_url(settings.LOGIN_URL), reverse("admin:login")):
            return LOGIN
    return response.status_code


def snapshot() -> dict:
    """Every row of every table of our apps (with the many-to-many tables)."""
    rows = {}
    for label in ("accounts", "archive", "lessons", "assessments"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def build_world(*, teacher, student, other_student, classroom, other_classroom) -> World:
    document = DocumentFactory()
    unit = PublishedUnitFactory(owner=teacher, classrooms=[classroom])
    lesson = LessonFactory(unit=unit)
    ContextItemFactory(lesson=lesson)
    assessment = AssessmentFactory(owner=teacher)
    question = ExtendedQuestionFactory(assessment=assessment)
    open_assignment = AssignmentFactory(classroom=classroom, assessment=assessment)
    attempt = AttemptFactory(assignment=open_assignment, student=student)
    marked_assignment = AssignmentFactory(classroom=classroom, assessment=assessment)
    submitted = AttemptFactory(assignment=marked_assignment, student=student, submitted=True)
    submitted_response = submitted.responses.get()
    submitted_response.text = "Source A is useful because it was written at the time."
    submitted_response.save()
    co_teacher = TeacherFactory(username="carol")
    classroom.co_teachers.add(co_teacher)
    second = SecondMarking.objects.create(
        assignment=marked_assignment,
        question=question,
        requested_by=teacher,
        second_marker=co_teacher,
    )
    second.responses.add(submitted_response)
    # The other class has work of its own, so "nothing leaks" is tested against real rows.
    other_attempt = AttemptFactory(
        assignment=AssignmentFactory(classroom=other_classroom), student=other_student
    )
    assert other_attempt.pk
    return World(
        classroom=classroom,
        other_classroom=other_classroom,
        student=student,
        other_student=other_student,
        teacher=teacher,
        document=document,
        unit=unit,
        lesson=lesson,
        assessment=assessment,
        open_assignment=open_assignment,
        attempt=attempt,
        response=attempt.responses.get(),
        marked_assignment=marked_assignment,
        submitted=submitted,
        submitted_response=submitted_response,
        second=second,
    )


def test_every_url_has_an_expectation():
    missing = [name for name in url_names() if name not in EXPECTATIONS]
    stale = [name for name in EXPECTATIONS if name not in url_names()]

    assert not missing, (
        "new URL without an expectation in tests/security/test_permission_matrix.py: "
        + ", ".join(missing)
    )
    assert not stale, "EXPECTATIONS names URLs that no longer exist: " + ", ".join(stale)


def _request(client, method, url, expect, world):
    """One request in a savepoint that is rolled back; (outcome, tables changed)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        before = snapshot() if method == "post" else None
        try:
            if method == "get":
                response = client.get(url)
            elif expect.json:
                response = client.post(
                    url, json.dumps(expect.data(world)), content_type="application/json"
                )
            else:
                response = client.post(url, expect.data(world))
        except Exception as exc:  # noqa: BLE001 - reported as a mismatch, with the rest
            result, changed = f"exception {exc.__class__.__name__}: {exc}", []
        else:
            result = outcome(response)
            if response.streaming:
                # Consumed through the test client's wrapper, which closes the response (and
                # its temporary file) without closing the database connection.
                b"".join(response.streaming_content)
            changed = changed_tables(before, snapshot()) if before is not None else []
        transaction.set_rollback(True)
    client.cookies = cookies  # a logout must not log the next request out
    return result, changed


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(
    role, client, teacher, other_teacher, student, other_student, admin_user, classroom,
    other_classroom,
):  # fmt: skip
    world = build_world(
        teacher=teacher,
        student=student,
        other_student=other_student,
        classroom=classroom,
        other_classroom=other_classroom,
    )
    user = {
        "anonymous": None,
        "student": student,
        "other_student": other_student,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "admin": admin_user,
    }[role]
    if user is not None:
        client.force_login(user)

    mismatches = []
    for name in url_names():
        expect = EXPECTATIONS.get(name)
        if expect is None:
            continue  # reported by test_every_url_has_an_expectation
        url = reverse(name, args=expect.args(world))
        for method in ("get", "post"):
            table = expect.get if method == "get" else expect.post
            if table is None:
                continue
            wanted = table[role]
            got, changed = _request(client, method, url, expect, world)
            if got != wanted:
                mismatches.append(f"{method.upper()} {name} ({url}): expected {wanted}, got {got}")
            if method == "post" and got in REFUSED and changed:
                mismatches.append(
                    f"POST {name} ({url}) was refused ({got}) but changed: {', '.join(changed)}"
                )

    assert not mismatches, f"as {role}:\n" + "\n".join(mismatches)
