"""Teachers' pages: set an assessment to a class, follow progress, grant extensions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import teacher_required
from assessments import selectors, services
from assessments.forms import AssignmentEditForm, AssignmentForm, ExtensionForm
from assessments.models import Extension
from assessments.permissions import (
    get_assignment_for_teacher,
    get_student_of_assignment,
)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@teacher_required
def assignment_list(request):
    assignments = selectors.assignments_for_teacher(user=request.user)
    return render(request, "assessments/teacher/assignment_list.html", {"assignments": assignments})


@teacher_required
def assignment_create(request):
    initial = {k: request.GET[k] for k in ("assessment", "classroom") if request.GET.get(k)}
    form = AssignmentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_create(set_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, f"“{assignment.assessment}” is set to {assignment.classroom.name}."
            )
            return redirect("assessments:assignment_teacher", assignment.pk)
    return render(request, "assessments/teacher/assignment_form.html", {"form": form})


@teacher_required
def assignment_teacher(request, pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    services.attempts_submit_expired(assignment=assignment)  # no stale "in progress"
    rows = selectors.assignment_roster(assignment=assignment)
    return render(
        request,
        "assessments/teacher/assignment_detail.html",
        {
            "assignment": assignment,
            "rows": rows,
            "counts": selectors.progress_counts(rows),
        },
    )


@teacher_required
def assignment_edit(request, pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    form = AssignmentEditForm(request.POST or None, assignment=assignment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_update(assignment=assignment, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Dates and settings saved.")
            return redirect("assessments:assignment_teacher", assignment.pk)
    return render(
        request,
        "assessments/teacher/assignment_edit.html",
        {"form": form, "assignment": assignment},
    )


@teacher_required
def extension_edit(request, pk, student_pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    student = get_student_of_assignment(assignment, student_pk)
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    form = ExtensionForm(request.POST or None, extension=extension)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_save(assignment=assignment, student=student, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Extension saved for {student.display_name}.")
            return redirect("assessments:assignment_teacher", assignment.pk)
    return render(
        request,
        "assessments/teacher/extension_form.html",
        {"form": form, "assignment": assignment, "student": student, "extension": extension},
    )


@require_POST
@teacher_required
def extension_delete(request, pk, student_pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    student = get_student_of_assignment(assignment, student_pk)
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    if extension is not None:
        services.extension_delete(extension=extension)
        messages.success(request, f"Extension removed for {student.display_name}.")
    return redirect("assessments:assignment_teacher", assignment.pk)
