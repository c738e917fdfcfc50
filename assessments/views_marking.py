"""Marking pages (queue, marking screen, second marking, feedback release) and the student's
feedback page.

The marking screen is one page whose `#screen` partial htmx swaps: saving posts the form and
gets the next response's screen back (with HX-Push-Url), j/k fetch the neighbours the same way.
Without htmx (or JavaScript) the same URLs answer with whole pages and redirects.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import student_required, teacher_required
from assessments import selectors_marking, services, services_marking
from assessments.models import CommentBankEntry, Question, SecondMark
from assessments.permissions import get_assignment_for_teacher
from assessments.selectors_marking import BY_STUDENT

SCREEN = "assessments/marking/mark.html"
MAX_COMMENT = 5000


# --- forms ------------------------------------------------------------------------------------


class MarkForm(forms.Form):
    """A level, a mark inside its band (checked again by the service), a comment."""

    level = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    comment = forms.CharField(required=False, max_length=MAX_COMMENT, widget=forms.Textarea)
    bank_entry = forms.IntegerField(required=False, min_value=1)
    save_to_bank = forms.BooleanField(required=False)
    based_on = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = list(question.levels.all())
        self.fields["level"].choices = [(lv.number, str(lv)) for lv in self.levels]
        self.fields["level"].required = bool(self.levels)
        self.fields["score"] = forms.IntegerField(min_value=0, max_value=question.marks)
        self.fields["level"].error_messages["required"] = "Choose a level first."

    @property
    def band(self) -> tuple[int, int] | None:
        """The (low, high) of the level shown as chosen, for the mark input's min and max."""
        value = self["level"].value()
        for level in self.levels:
            if str(level.number) == str(value):
                return level.low, level.high
        return None


class OverrideForm(forms.Form):
    reason = forms.CharField(max_length=300)
    based_on = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"] = forms.IntegerField(min_value=0, max_value=question.marks)
        self.fields["reason"].error_messages["required"] = (
            "Give a reason for changing the automatic mark."
        )


class SecondMarkingForm(forms.Form):
    UNITS = [("answers", "answers"), ("percent", "% of the answers")]

    question = forms.ModelChoiceField(queryset=Question.objects.none())
    second_marker = forms.ModelChoiceField(queryset=User.objects.none(), label="Colleague")
    size = forms.IntegerField(min_value=1, initial=5, label="How many")
    unit = forms.ChoiceField(choices=UNITS, initial="answers", label="Of")

    def __init__(self, *args, assignment, user, **kwargs):
        super().__init__(*args, **kwargs)
        questions = list(assignment.assessment.questions.all())
        numbers = selectors_marking.question_numbers(questions)
        self.fields["question"].queryset = assignment.assessment.questions.exclude(
            kind__in=Question.OBJECTIVE_KINDS
        )
        self.fields["question"].label_from_instance = lambda q: (
            f"Question {numbers.get(q.pk, '?')}: {q.prompt[:80]}"
        )
        classroom = assignment.classroom
        self.fields["second_marker"].queryset = (
            User.objects.filter(Q(pk=classroom.owner_id) | Q(co_taught_classrooms=classroom))
            .exclude(pk=user.pk)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["second_marker"].label_from_instance = lambda u: u.display_name


class SettleForm(forms.Form):
    decision = forms.ChoiceField(choices=[(key, key) for key in services_marking.SETTLE_REASONS])
    level = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    score = forms.IntegerField(required=False, min_value=0)

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lv.number, str(lv)) for lv in question.levels.all()]


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- helpers --------------------------------------------------------------------------------


def _partial(request, page: str, name: str = "screen") -> str:
    """The partial for htmx requests (not for htmx restoring its history: that needs the page)."""
    if request.htmx and not request.htmx.history_restore_request:
        return f"{page}#{name}"
    return page


def _query(by: str) -> str:
    return "?by=student" if by == BY_STUDENT else ""


def _mark_url(assignment, response_pk: int, by: str) -> str:
    url = reverse("assessments:mark_response", args=[assignment.pk, response_pk])
    return url + _query(by)


def _second_url(second_marking, response_pk: int) -> str:
    return reverse(
        "assessments:second_mark",
        args=[second_marking.assignment_id, second_marking.pk, response_pk],
    )


def _overview_url(assignment, by: str = "") -> str:
    return reverse("assessments:marking", args=[assignment.pk]) + _query(by)


def _initial(response, latest_change: int) -> dict:
    mark = response.teacher_mark
    initial = {"based_on": latest_change}
    if mark is not None:
        initial.update(
            score=mark.score,
            comment=mark.comment,
            level=mark.level.number if mark.level else None,
            reason=mark.override_reason,
        )
    elif response.question.is_objective:
        initial["score"] = response.auto_score
    return initial


def _with_bank(request, form) -> str:
    """The comment, with the picked bank entry added if the page's script did not insert it."""
    comment = form.cleaned_data["comment"].strip()
    pk = form.cleaned_data.get("bank_entry")
    if pk:
        entry = CommentBankEntry.objects.filter(owner=request.user, pk=pk).first()
        if entry is not None and entry.text not in comment:
            comment = f"{comment}\n\n{entry.text}".strip()
    return comment[:MAX_COMMENT]


def _screen_context(*, screen, form, urls: dict, blind: bool = False, saved: str = "") -> dict:
    return {
        "assignment": screen.assignment,
        "screen": screen,
        "form": form,
        "blind": blind,
        "saved": saved,
        "shortcut_levels": [lv.number for lv in screen.levels][:10],
        **urls,
    }


def _urls(assignment, screen, by: str) -> dict:
    return {
        "post_url": _mark_url(assignment, screen.response.pk, by),
        "previous_url": screen.previous and _mark_url(assignment, screen.previous.pk, by),
        "next_url": screen.next and _mark_url(assignment, screen.next.pk, by),
        "overview_url": _overview_url(assignment, by),
        "by": by,
    }


def _saved_message(label: str, number: int, score: int, level=None) -> str:
    level_text = f" (level {level.number})" if level is not None else ""
    return f"Saved {score}{level_text} for {label}, question {number}."


# --- the queue ------------------------------------------------------------------------------


@teacher_required
def marking_overview(request, pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    services.attempts_submit_expired(assignment=assignment)  # time-outs join the queue
    by = selectors_marking.order_of(request.GET.get("by"))
    overview = selectors_marking.marking_overview(assignment=assignment, by=by, user=request.user)
    return render(
        request,
        "assessments/marking/overview.html",
        {"assignment": assignment, "overview": overview, "by": by},
    )


@teacher_required
def marking_start(request, pk):
    """Open the first response still to mark in the chosen order (or the first, if all are)."""
    assignment = get_assignment_for_teacher(request.user, pk)
    services.attempts_submit_expired(assignment=assignment)
    by = selectors_marking.order_of(request.GET.get("by"))
    entries = selectors_marking.marking_entries(assignment=assignment, by=by)
    first = selectors_marking.next_to_mark(entries) or (entries[0] if entries else None)
    if first is None:
        messages.info(request, "Nobody has submitted yet: there is nothing to mark.")
        return redirect(_overview_url(assignment, by))
    return redirect(_mark_url(assignment, first.pk, by))


# --- the marking screen ---------------------------------------------------------------------


@teacher_required
def mark_response(request, pk, response_pk):
    """GET: the marking screen. POST: save the mark (or override), then the next response still
    to mark (htmx: its screen partial; otherwise a redirect)."""
    assignment = get_assignment_for_teacher(request.user, pk)
    by = selectors_marking.order_of(request.GET.get("by"))
    response = selectors_marking.get_response_for_marking(assignment=assignment, pk=response_pk)
    blind = _blind_redirect(request, assignment, response)
    if blind is not None:
        return blind
    question = response.question
    form_class = OverrideForm if question.is_objective else MarkForm
    form = conflict = None
    if request.method == "POST":
        form = form_class(request.POST, question=question)
        if form.is_valid():
            try:
                mark = _save(request, response, form)
            except services_marking.MarkConflict as error:
                conflict = error
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if form.cleaned_data.get("save_to_bank") and mark.comment:
                    services_marking.comment_bank_add(
                        owner=request.user,
                        text=mark.comment,
                        question=question,
                        level_number=mark.level.number if mark.level else None,
                    )
                return _after_save(request, assignment, response, mark, by)
    naming = selectors_marking.naming_for(assignment)
    screen = selectors_marking.marking_screen(
        assignment=assignment, response=response, user=request.user, by=by, naming=naming
    )
    if conflict is not None:  # show the newer mark in the history, keep what they typed
        data = request.POST.copy()
        data["based_on"] = str(screen.latest_change)
        form = form_class(data, question=question)
        form.is_valid()
        form.add_error(None, conflict.messages)
    elif form is None:
        form = form_class(initial=_initial(response, screen.latest_change), question=question)
    context = _screen_context(screen=screen, form=form, urls=_urls(assignment, screen, by))
    return render(request, _partial(request, SCREEN), context)


def _blind_redirect(request, assignment, response):
    """To the blind screen, when the user is second-marking this response: while they do, they
    must not see the first mark."""
    second = selectors_marking.open_second_marking_for(user=request.user, response=response)
    if second is None:
        return None
    second.assignment = assignment
    url = _second_url(second, response.pk)
    if request.htmx:
        reply = HttpResponse(status=204)
        reply["HX-Redirect"] = url
        return reply
    return redirect(url)


def _save(request, response, form):
    data = form.cleaned_data
    if response.question.is_objective:
        return services_marking.response_override(
            response=response,
            marker=request.user,
            score=data["score"],
            reason=data["reason"],
            based_on=data.get("based_on"),
        )
    return services_marking.response_mark(
        response=response,
        marker=request.user,
        score=data["score"],
        level=data.get("level"),
        comment=_with_bank(request, form),
        based_on=data.get("based_on"),
    )


def _after_save(request, assignment, response, mark, by):
    naming = selectors_marking.naming_for(assignment)
    entries = selectors_marking.marking_entries(assignment=assignment, by=by, naming=naming)
    index, _, _ = selectors_marking.neighbours(entries, response.pk)
    number = entries[index].number if index >= 0 else 0
    saved = _saved_message(
        selectors_marking.student_label(naming, response.attempt), number, mark.score, mark.level
    )
    following = selectors_marking.next_to_mark(entries, response.pk)
    if not request.htmx:
        messages.success(request, saved)
        if following is None:
            messages.info(request, "Everything submitted is marked.")
            return redirect(_overview_url(assignment, by))
        return redirect(_mark_url(assignment, following.pk, by))
    if following is None:
        return render(
            request,
            f"{SCREEN}#done",
            {
                "assignment": assignment,
                "saved": saved,
                "overview_url": _overview_url(assignment, by),
                "total": len(entries),
            },
        )
    response = selectors_marking.get_response_for_marking(assignment=assignment, pk=following.pk)
    blind = _blind_redirect(request, assignment, response)
    if blind is not None:
        return blind
    screen = selectors_marking.marking_screen(
        assignment=assignment,
        response=response,
        user=request.user,
        by=by,
        entries=entries,
        naming=naming,
    )
    form_class = OverrideForm if response.question.is_objective else MarkForm
    form = form_class(initial=_initial(response, screen.latest_change), question=response.question)
    urls = _urls(assignment, screen, by)
    reply = render(
        request,
        f"{SCREEN}#screen",
        _screen_context(screen=screen, form=form, urls=urls, saved=saved),
    )
    reply["HX-Push-Url"] = urls["post_url"]
    return reply


# --- feedback release -----------------------------------------------------------------------


@require_POST
@teacher_required
def feedback_release(request, pk):
    """Release to the whole class (scope=all) or to the students ticked (scope=selected).
    While answers are still to mark it is refused, unless "Release anyway" is ticked."""
    assignment = get_assignment_for_teacher(request.user, pk)
    students = None
    if request.POST.get("scope") == "selected":
        students = [int(v) for v in request.POST.getlist("students") if v.isdigit()]
    try:
        release = services_marking.feedback_release(
            assignment=assignment,
            released_by=request.user,
            students=students,
            anyway=request.POST.get("anyway") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if students is None:
            messages.success(request, "Feedback is released to the whole class.")
        else:
            count = release.students.count()
            messages.success(
                request, f"Feedback is released to {count} student{'s' if count != 1 else ''}."
            )
    return redirect(_overview_url(assignment) + "#feedback")


# --- second marking -------------------------------------------------------------------------


@teacher_required
def second_marking_list(request):
    requests = selectors_marking.second_markings_for(user=request.user)
    return render(request, "assessments/marking/second_list.html", {"requests": requests})


@teacher_required
def second_marking_new(request, pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    form = SecondMarkingForm(request.POST or None, assignment=assignment, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        size = {"count": data["size"]} if data["unit"] == "answers" else {"percent": data["size"]}
        try:
            second = services_marking.second_marking_request(
                assignment=assignment,
                question=data["question"],
                requested_by=request.user,
                second_marker=data["second_marker"],
                **size,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            count = second.responses.count()
            messages.success(
                request,
                f"{second.second_marker.display_name} is asked to second-mark {count} "
                f"answer{'s' if count != 1 else ''}.",
            )
            return redirect("assessments:second_marking", assignment.pk, second.pk)
    return render(
        request,
        "assessments/marking/second_new.html",
        {"assignment": assignment, "form": form},
    )


@teacher_required
def second_marking_detail(request, pk, sm_pk):
    """The second marker's blind queue until they finish; for everyone else (and for them
    afterwards) the comparison and agreement, with settling for the teacher who asked."""
    assignment = get_assignment_for_teacher(request.user, pk)
    second = selectors_marking.get_second_marking(assignment=assignment, pk=sm_pk)
    naming = selectors_marking.naming_for(assignment)
    questions = list(assignment.assessment.questions.all())
    context = {"assignment": assignment, "second": second}
    is_marker = second.second_marker_id == request.user.pk
    if is_marker and second.completed_at is None:
        entries = selectors_marking.second_marking_entries(
            second_marking=second, naming=naming, questions=questions
        )
        context["entries"] = entries
        context["done"] = sum(not e.to_mark for e in entries)
        return render(request, "assessments/marking/second_queue.html", context)
    rows, agreement = selectors_marking.second_marking_comparison(
        second_marking=second, naming=naming, questions=questions
    )
    context.update(
        rows=rows,
        agreement=agreement,
        levels=list(second.question.levels.all()),
        can_settle=request.user.pk == second.requested_by_id or request.user.is_superuser,
    )
    return render(request, "assessments/marking/second_detail.html", context)


def _second_for_marker(request, pk, sm_pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    second = selectors_marking.get_second_marking(assignment=assignment, pk=sm_pk)
    if second.second_marker_id != request.user.pk:
        raise Http404("Only the colleague asked sees this blind queue.")
    second.assignment = assignment
    return assignment, second


@teacher_required
def second_marking_start(request, pk, sm_pk):
    assignment, second = _second_for_marker(request, pk, sm_pk)
    entries = selectors_marking.second_marking_entries(
        second_marking=second,
        naming=selectors_marking.naming_for(assignment),
        questions=list(assignment.assessment.questions.all()),
    )
    first = selectors_marking.next_to_mark(entries) or (entries[0] if entries else None)
    if first is None:
        return redirect("assessments:second_marking", assignment.pk, second.pk)
    return redirect(_second_url(second, first.pk))


@teacher_required
def second_mark(request, pk, sm_pk, response_pk):
    """The blind marking screen: the first marker's mark, comment and history are not shown."""
    assignment, second = _second_for_marker(request, pk, sm_pk)
    response = selectors_marking.get_second_response(second_marking=second, pk=response_pk)
    question = response.question
    naming = selectors_marking.naming_for(assignment)
    questions = list(assignment.assessment.questions.all())
    form = None
    if request.method == "POST":
        form = MarkForm(request.POST, question=question)
        if form.is_valid():
            try:
                saved_mark = services_marking.second_mark_save(
                    second_marking=second,
                    response=response,
                    marker=request.user,
                    score=form.cleaned_data["score"],
                    level=form.cleaned_data.get("level"),
                    comment=_with_bank(request, form),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if form.cleaned_data.get("save_to_bank") and saved_mark.comment:
                    services_marking.comment_bank_add(
                        owner=request.user,
                        text=saved_mark.comment,
                        question=question,
                        level_number=saved_mark.level.number if saved_mark.level else None,
                    )
                return _after_second_save(request, second, response, saved_mark, naming, questions)
    entries = selectors_marking.second_marking_entries(
        second_marking=second, naming=naming, questions=questions
    )
    screen = selectors_marking.marking_screen(
        assignment=assignment,
        response=response,
        user=request.user,
        entries=entries,
        naming=naming,
        history=False,
    )
    if form is None:
        mine = SecondMark.objects.filter(request=second, response=response).first()
        initial = {}
        if mine is not None:
            initial = {
                "score": mine.score,
                "level": mine.level.number if mine.level else None,
                "comment": mine.comment,
            }
        form = MarkForm(initial=initial, question=question)
    return render(
        request,
        _partial(request, SCREEN),
        _screen_context(screen=screen, form=form, urls=_second_urls(second, screen), blind=True),
    )


def _second_urls(second, screen) -> dict:
    return {
        "post_url": _second_url(second, screen.response.pk),
        "previous_url": screen.previous and _second_url(second, screen.previous.pk),
        "next_url": screen.next and _second_url(second, screen.next.pk),
        "overview_url": reverse(
            "assessments:second_marking", args=[second.assignment_id, second.pk]
        ),
        "by": "",
    }


def _after_second_save(request, second, response, saved_mark, naming, questions):
    assignment = second.assignment
    entries = selectors_marking.second_marking_entries(
        second_marking=second, naming=naming, questions=questions
    )
    index, _, _ = selectors_marking.neighbours(entries, response.pk)
    saved = _saved_message(
        entries[index].label if index >= 0 else "this answer",
        entries[index].number if index >= 0 else 0,
        saved_mark.score,
        saved_mark.level,
    )
    following = selectors_marking.next_to_mark(entries, response.pk)
    done_url = reverse("assessments:second_marking", args=[assignment.pk, second.pk])
    if not request.htmx:
        messages.success(request, saved)
        return redirect(_second_url(second, following.pk) if following else done_url)
    if following is None:
        return render(
            request,
            f"{SCREEN}#done",
            {
                "assignment": assignment,
                "saved": saved,
                "overview_url": done_url,
                "total": len(entries),
                "blind": True,
            },
        )
    response = selectors_marking.get_second_response(second_marking=second, pk=following.pk)
    screen = selectors_marking.marking_screen(
        assignment=assignment,
        response=response,
        user=request.user,
        entries=entries,
        naming=naming,
        history=False,
    )
    form = MarkForm(question=response.question)
    urls = _second_urls(second, screen)
    reply = render(
        request,
        f"{SCREEN}#screen",
        _screen_context(screen=screen, form=form, urls=urls, blind=True, saved=saved),
    )
    reply["HX-Push-Url"] = urls["post_url"]
    return reply


@require_POST
@teacher_required
def second_marking_settle(request, pk, sm_pk, response_pk):
    assignment = get_assignment_for_teacher(request.user, pk)
    second = selectors_marking.get_second_marking(assignment=assignment, pk=sm_pk)
    if not second.responses.filter(pk=response_pk).exists():
        raise Http404("That answer is not in the sample.")
    response = selectors_marking.get_response_for_marking(assignment=assignment, pk=response_pk)
    form = SettleForm(request.POST, question=response.question)
    if not form.is_valid():
        messages.error(request, "Keep your mark, take the second mark, or enter a new one.")
    else:
        data = form.cleaned_data
        try:
            mark = services_marking.second_mark_settle(
                second_marking=second,
                response=response,
                settled_by=request.user,
                decision=data["decision"],
                score=data.get("score"),
                level=data.get("level"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Settled at {mark.score}.")
    url = reverse("assessments:second_marking", args=[assignment.pk, second.pk])
    return redirect(f"{url}#answer-{response_pk}")


# --- the student's feedback -----------------------------------------------------------------


@student_required
def feedback(request, pk):
    attempt = selectors_marking.get_attempt_for_feedback(student=request.user, pk=pk)
    page = selectors_marking.feedback_page(attempt=attempt)
    if page.released and attempt.feedback_viewed_at is None:
        services_marking.feedback_mark_viewed(attempt=attempt)
    return render(
        request,
        "assessments/feedback/feedback.html",
        {"page": page, "attempt": attempt, "assignment": attempt.assignment},
    )
