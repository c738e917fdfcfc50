from django.conf import settings
from django.urls import reverse

# (label, url name) per role; the current page is marked with aria-current.
TEACHER_NAV = [
    ("Home", "home"),
    ("My classes", "accounts:classroom_list"),
    ("Set work", "assessments:assignment_list_teacher"),
    ("Second marking", "assessments:second_marking_list"),
    ("Archive", "archive:browse"),
    ("Authoring", "admin:index"),
]
STUDENT_NAV = [
    ("Home", "home"),
    ("My work", "assessments:my_work"),
    ("My units", "lessons:unit_list"),
    ("My progress", "assessments:my_progress"),
    ("Archive", "archive:browse"),
    ("Join a class", "accounts:join"),
]


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "nav_items": _nav(request)}


def _nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    entries = STUDENT_NAV if user.is_student else TEACHER_NAV
    items = []
    for label, name in entries:
        url = reverse(name)
        # A section is current on its own page and below it ("/archive/documents/3/").
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": label, "url": url, "current": current})
    return items
