"""Ceilings for `make bench`: the least a Django view can do, served by the same stack.

Mounted only when SHEBA_BENCH=1. Each real endpoint is reported as a ratio to one of these.
"""

from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sheba.core import clock

SMALL_PAGE = "<!doctype html><html lang=bn><title>সেবা</title><p>ঠিক আছে</p></html>"


def bare_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(SMALL_PAGE)


def bare_select(request: HttpRequest) -> HttpResponse:
    """One indexed SELECT by a unique key (the tracking number), nothing else."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT status, due_on FROM applications_application WHERE tracking_number = %s",
            [request.GET.get("k", "")],
        )
        row = cur.fetchone()
    return JsonResponse({"found": row is not None})


@csrf_exempt
def bare_insert(request: HttpRequest) -> HttpResponse:
    """An application-sized row plus an outbox row in one transaction."""
    now = clock.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO bench_row (payload, created_at) VALUES (%s, %s)",
            ['{"name_bn": "মোঃ আব্দুল করিম", "father_name": "মোঃ রহিম", "village": "পাইককান্দি", "purpose": "চাকরি"}', now],
        )
        cur.execute(
            "INSERT INTO bench_outbox (id, recipient, body, created_at) VALUES (%s, %s, %s, %s)",
            [str(uuid.uuid4()), "+8801711000001", "সেবা: আপনার আবেদন গ্রহণ করা হয়েছে। ট্র্যাকিং নম্বর SB-7KQ4-9XH2-MC", now],
        )
    return HttpResponse(status=201)
