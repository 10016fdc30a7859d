from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from danchu.api.main import api
from danchu.core.views import health
from danchu.decisions import views as decision_views
from danchu.people import views as people_views
from danchu.units import views as unit_views

admin.site.site_header = "danchu — quản trị"
if settings.OFFICER_2FA_REQUIRED:
    # Superusers, like officers, act only after a verified second factor.
    from django_otp.admin import OTPAdminSite

    admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("health/", health, name="health"),
    path("u/", include("danchu.units.urls")),
    path("u/", include("danchu.people.urls")),
    path("u/", include("danchu.disclosures.urls")),
    path("u/", include("danchu.decisions.urls")),
    path("u/", include("danchu.consultations.urls")),
    path("u/", include("danchu.petitions.urls")),
    path("u/", include("danchu.steering.urls")),
    path("open311/v2/", include("danchu.petitions.open311")),
    path("p/", include("danchu.petitions.tracking_urls")),
    path("b/", decision_views.vote_by_code, name="vote_by_code"),
    path("accounts/", include("danchu.accounts.urls")),
    path("me/data/", people_views.my_data, name="my_data"),
    path("me/data.json", people_views.my_data_export, name="my_data_export"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.views.static import serve

    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
