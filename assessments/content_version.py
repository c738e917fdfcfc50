"""Keeps `Assessment.content_version` fresh: a new random value whenever what a student sees of
the paper may have changed, so the attempt page's cache (assessments/attempt_page.py) is never
served stale.

What the attempt page shows of the paper: the questions, their choices, grid claims and
labelled sources, and for each source the excerpt, its document, the document's collection and
authors. Every save or delete of one of these, from the admin, a service, an importer or the
shell, gives the assessments concerned a new version in the same transaction.

Signals, against the house rule, because this is bookkeeping every write path must do and a
missed path would show students an old paper; no business logic lives here. Queryset
`update()` and `bulk_create()` send no signals: code that changes the paper that way must call
`assessments_changed` itself (today `assessment_duplicate` and the demo build create a new
assessment, whose own save already gives it a fresh version, and the archive import saves each
document it changes).
"""

import uuid

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from archive.models import Author, Authorship, Collection, Document, Excerpt
from assessments.models import Assessment, Choice, GridClaim, Question, QuestionSource


def assessments_changed(assessments) -> int:
    """Give every assessment in the queryset a new content version. One UPDATE."""
    return assessments.update(content_version=uuid.uuid4())


def _assessment_saved(sender, instance, **kwargs):
    # A save from a stale copy writes a new value too, never an old one back.
    instance.content_version = uuid.uuid4()


def _question_changed(sender, instance, **kwargs):
    assessments_changed(Assessment.objects.filter(pk=instance.assessment_id))


def _question_part_changed(sender, instance, **kwargs):
    assessments_changed(Assessment.objects.filter(questions=instance.question_id))


def _archive_changed(lookup):
    def receiver(sender, instance, created=False, **kwargs):
        if created:
            return  # nothing shows it yet
        assessments_changed(Assessment.objects.filter(**{lookup: instance.pk}))

    return receiver


def _authorship_changed(sender, instance, **kwargs):
    assessments_changed(
        Assessment.objects.filter(questions__sources__excerpt__document=instance.document_id)
    )


def _authors_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if reverse:  # author.document_set.add(...): instance is the Author
        lookup = {"questions__sources__excerpt__document__authors": instance.pk}
        if pk_set:
            lookup = {"questions__sources__excerpt__document__in": pk_set}
    else:
        lookup = {"questions__sources__excerpt__document": instance.pk}
    assessments_changed(Assessment.objects.filter(**lookup))


_RECEIVERS = [
    (pre_save, Assessment, _assessment_saved),
    (post_save, Question, _question_changed),
    (post_delete, Question, _question_changed),
    *(
        (signal, model, _question_part_changed)
        for model in (Choice, GridClaim, QuestionSource)
        for signal in (post_save, post_delete)
    ),
    *(
        (signal, model, _archive_changed(lookup))
        for model, lookup in (
            (Excerpt, "questions__sources__excerpt"),
            (Document, "questions__sources__excerpt__document"),
            (Collection, "questions__sources__excerpt__document__collection"),
            (Author, "questions__sources__excerpt__document__authors"),
        )
        for signal in (post_save, post_delete)
    ),
    (post_save, Authorship, _authorship_changed),
    (post_delete, Authorship, _authorship_changed),
    (m2m_changed, Document.authors.through, _authors_changed),
]


def connect() -> None:
    """Called once from AssessmentsConfig.ready()."""
    for signal, model, receiver in _RECEIVERS:
        signal.connect(receiver, sender=model, dispatch_uid=f"content_version:{model.__name__}")
