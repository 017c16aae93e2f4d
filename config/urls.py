import os

from django.contrib import admin
from django.urls import include, path

from sheba.certificates import views as certificate_views

urlpatterns = [
    path("", include("sheba.core.urls")),
    path("accounts/", include("sheba.accounts.urls")),
    path("officer/files/", include("sheba.workflow.urls")),
    path("officer/", include("sheba.accounts.officer_urls")),
    path("directory/", include("sheba.directory.urls")),
    path("services/", include("sheba.catalog.urls")),
    path("applications/", include("sheba.applications.urls")),
    path("certificates/", include("sheba.certificates.urls")),
    path("identity/", include("sheba.identity.urls")),
    path("up/", include("sheba.portals.urls")),  # union portals (also at <union>.<base domain>)
    path("verify/", certificate_views.verify, name="verify"),  # public: check a certificate's QR code
    path("locker/", include("sheba.locker.urls")),
    path("grievances/", include("sheba.grievances.urls")),
    path("notifications/", include("sheba.notifications.urls")),
    path("payments/", include("sheba.payments.urls")),
    path("bills/", include("sheba.billpay.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# `make bench` only: the ceiling views (sheba/bench), never mounted otherwise.
if os.environ.get("SHEBA_BENCH") == "1":
    urlpatterns.append(path("bench/", include("sheba.bench.urls")))

handler404 = "sheba.core.views.not_found"
handler500 = "sheba.core.views.server_error"
handler403 = "sheba.core.views.forbidden"
handler400 = "sheba.core.views.bad_request"
