"""The URLs of a union's own host (<name>.<base domain>): its portal at the root, and everything
else exactly as on the main site, so the portal's links (apply, log in, status) keep working."""

from django.urls import path

from config import urls as main
from sheba.portals import views

urlpatterns = [
    path("", views.union_host_home, name="union_host_home"),
    *main.urlpatterns,
]

handler404 = main.handler404
handler500 = main.handler500
handler403 = main.handler403
handler400 = main.handler400
