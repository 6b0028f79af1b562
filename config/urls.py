from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts.forms import LoginForm
from agreements import views as search_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("agencies/", include("accounts.urls")),
    path("partners/", include("partners.urls")),
    path("agreements/", include("agreements.urls")),
    path("delegations/", include("delegations.urls")),
    path("targets/", include("targets.urls")),
    path("reports/", include("reports.urls")),
    path("history/", include("accounts.history_urls")),
    path("search/", search_views.search, name="search"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.PORTAL["DEPARTMENT_NAME"]
admin.site.site_title = settings.PORTAL["DEPARTMENT_NAME"]
