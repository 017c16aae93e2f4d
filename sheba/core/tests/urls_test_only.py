"""A test-only URL configuration: the real one with its error handlers, plus views that fail
or echo what they received (for the 500 page and NFC tests)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config import urls as real_urls


def boom(request: HttpRequest):
    raise RuntimeError("secret detail")


def echo(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"GET": dict(request.GET.lists()), "POST": dict(request.POST.lists())})


urlpatterns = [
    *real_urls.urlpatterns,
    path("test-only/boom/", boom),
    path("test-only/echo/", echo),
]
handler400 = real_urls.handler400
handler403 = real_urls.handler403
handler404 = real_urls.handler404
handler500 = real_urls.handler500
