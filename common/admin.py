"""Admin building blocks shared by the apps."""

from django.http import Http404


class NotFoundOutsideScope:
    """Change, delete and history screens answer 404 for an object outside the user's queryset.

    Django's admin redirects to its index with "doesn't exist. Perhaps it was deleted?" instead;
    every other page of the site answers 404 for another teacher's objects, and so does this.
    Put it first among the bases, before ModelAdmin.
    """

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with this id is open to you.")
        return obj
