from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import ClassroomForm, CoTeacherForm, JoinForm, RosterUploadForm
from accounts.models import Classroom, Enrolment
from accounts.permissions import (
    get_classroom_for_owner,
    get_classroom_for_teacher,
    student_required,
    teacher_required,
)
from accounts.roster import RosterRow, parse_roster
from common.exports import csv_text

ROSTER_SALT = "accounts.roster"


@login_required
def home(request):
    user = request.user
    if user.is_student:
        classrooms = Classroom.objects.attended_by(user).select_related("owner")
        return render(request, "accounts/home_student.html", {"classrooms": classrooms})
    classrooms = Classroom.objects.taught_by(user).active().with_student_count()
    return render(request, "accounts/home_teacher.html", {"classrooms": classrooms})


@teacher_required
def classroom_list(request):
    classrooms = (
        Classroom.objects.taught_by(request.user).with_student_count().select_related("owner")
    )
    return render(request, "accounts/classroom_list.html", {"classrooms": classrooms})


@teacher_required
def classroom_create(request):
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = services.classroom_create(owner=request.user, **form.cleaned_data)
        messages.success(
            request, f"Class “{classroom.name}” created. Its join code is {classroom.join_code}."
        )
        return redirect(classroom)
    return render(request, "accounts/classroom_form.html", {"form": form, "title": "New class"})


@teacher_required
def classroom_edit(request, pk):
    classroom = get_classroom_for_owner(request.user, pk)
    form = ClassroomForm(request.POST or None, instance=classroom)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Class saved.")
        return redirect(classroom)
    return render(
        request,
        "accounts/classroom_form.html",
        {"form": form, "title": f"Edit {classroom.name}", "classroom": classroom},
    )


@teacher_required
def classroom_detail(request, pk):
    classroom = get_object_or_404(
        Classroom.objects.taught_by(request.user)
        .select_related("owner")
        .prefetch_related(
            "co_teachers",
            Prefetch("enrolments", queryset=Enrolment.objects.select_related("student")),
        ),
        pk=pk,
    )
    return render(
        request,
        "accounts/classroom_detail.html",
        {
            "classroom": classroom,
            "is_owner": request.user.is_superuser or classroom.owner_id == request.user.pk,
            "co_teacher_form": CoTeacherForm(),
            "code_expired": bool(
                classroom.join_code_expires_at and classroom.join_code_expires_at <= timezone.now()
            ),
        },
    )


@require_POST
@teacher_required
def classroom_regenerate_code(request, pk):
    classroom = get_classroom_for_owner(request.user, pk)
    code = services.classroom_regenerate_code(classroom=classroom)
    messages.success(request, f"New join code: {code}. The old code no longer works.")
    return redirect(classroom)


@require_POST
@teacher_required
def classroom_remove_student(request, pk, student_pk):
    classroom = get_classroom_for_teacher(request.user, pk)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("student"), classroom=classroom, student_id=student_pk
    )
    services.enrolment_remove(classroom=classroom, student=enrolment.student)
    messages.success(request, f"{enrolment.student.display_name} was removed from the class.")
    return redirect(classroom)


@require_POST
@teacher_required
def classroom_add_co_teacher(request, pk):
    classroom = get_classroom_for_owner(request.user, pk)
    form = CoTeacherForm(request.POST)
    if form.is_valid():
        try:
            teacher = services.classroom_add_co_teacher(
                classroom=classroom, username=form.cleaned_data["username"]
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"{teacher.display_name} now co-teaches this class.")
    else:
        messages.error(request, "Enter a teacher's username.")
    return redirect(classroom)


@teacher_required
def roster_upload(request, pk):
    classroom = get_classroom_for_teacher(request.user, pk)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context = {"classroom": classroom, "form": form}
    if request.method == "POST" and form.is_valid():
        result = parse_roster(form.cleaned_data["file"].read())
        context["result"] = result
        if result.ok:
            context["payload"] = signing.dumps(
                {"classroom": classroom.pk, "rows": [r.as_dict() for r in result.rows]},
                salt=ROSTER_SALT,
                compress=True,
            )
    return render(request, "accounts/roster_upload.html", context)


@require_POST
@teacher_required
def roster_confirm(request, pk):
    classroom = get_classroom_for_teacher(request.user, pk)
    try:
        # Signed at preview: a forged or edited payload is refused, and it expires.
        payload = signing.loads(request.POST.get("payload", ""), salt=ROSTER_SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, "The preview expired or was altered. Upload the file again.")
        return redirect("accounts:roster_upload", pk=classroom.pk)
    if payload["classroom"] != classroom.pk:
        messages.error(request, "That preview belongs to another class. Upload the file again.")
        return redirect("accounts:roster_upload", pk=classroom.pk)
    rows = [RosterRow(**row) for row in payload["rows"]]
    try:
        issued = services.roster_create_accounts(
            classroom=classroom, teacher=request.user, rows=rows
        )
    except ValidationError as exc:
        messages.error(request, f"No accounts were created. {exc.messages[0]}")
        return redirect("accounts:roster_upload", pk=classroom.pk)
    messages.success(request, f"{len(rows)} student accounts created and enrolled.")
    return render(request, "accounts/roster_done.html", {"classroom": classroom, "issued": issued})


@teacher_required
def credentials_download(request, pk, token):
    classroom = get_classroom_for_teacher(request.user, pk)
    issued = services.credentials_take(token=token, teacher=request.user)
    if issued is None or issued.classroom_id != classroom.pk:
        messages.error(
            request,
            "Those passwords were already downloaded, or were not downloaded within a day and "
            "have been deleted. Reset a student's password from the admin if it is lost.",
        )
        return redirect(classroom)
    # The shared CSV writer: BOM for Excel, and a name typed as =HYPERLINK(...) stays text.
    fields = ["username", "first_name", "last_name", "password"]
    body = csv_text(fields, ([row.get(field, "") for field in fields] for row in issued.rows))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="passwords-{classroom.join_code}-{timezone.localdate()}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response


@student_required
def join(request):
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_join(
                student=request.user, code=form.cleaned_data["code"]
            )
        except services.JoinError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, f"You joined {enrolment.classroom.name}.")
            return redirect("home")
    return render(request, "accounts/join.html", {"form": form})
