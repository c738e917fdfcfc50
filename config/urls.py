from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import home
from common.forms import LoginForm, PasswordChangeForm

admin.site.site_header = "Provenance administration"
admin.site.site_title = "Provenance admin"
admin.site.index_title = "Authoring and administration"

urlpatterns = [
    path("", home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("", include("accounts.urls")),
    path("archive/", include("archive.urls")),
    path("units/", include("lessons.urls")),
    path("work/", include("assessments.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler400 = "common.views.bad_request"
handler403 = "common.views.permission_denied"
handler404 = "common.views.page_not_found"
handler500 = "common.views.server_error"
