"""Probe views for the access log tests: each reads "household data" and logs it, then succeeds,
raises, rolls back or streams. Mounted in front of SIEX's own URLs."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

from siex.audit.services import log_access
from siex.urls import urlpatterns as siex_urlpatterns

HOUSEHOLD = "interventions.household"


def probe(view):
    view.permission_required = "interventions.view_household_data"
    return view


def _log(request, **kwargs):
    defaults = {
        "action": "view",
        "model": HOUSEHOLD,
        "object_ids": [7],
        "query": request.GET,
        "result_count": 1,
    }
    log_access(request, **{**defaults, **kwargs})


@probe
def viewed(request, reference=None):
    _log(request)
    return HttpResponse("ok")


@probe
def twice(request):
    _log(request, action="search", object_ids=[1, 2, 3], result_count=3)
    _log(request, action="view", object_ids=[2])
    return HttpResponse("ok")


@probe
def raises(request):
    _log(request)
    raise RuntimeError("the view failed after logging")


@probe
def rolls_back(request):
    with transaction.atomic():
        Group.objects.create(name="rolled back")
        _log(request, action="export")
        transaction.set_rollback(True)
    return HttpResponse("ok")


@probe
def raises_in_transaction(request):
    with transaction.atomic():
        Group.objects.create(name="never committed")
        _log(request, action="export")
        raise RuntimeError("the transaction rolls back")


@probe
def streams(request):
    def rows():
        yield "id\n"
        # Logged while the response is sent, after the middleware has finished.
        _log(request, action="export", object_ids=[11, 12])
        yield "11\n12\n"

    return StreamingHttpResponse(rows(), content_type="text/csv")


urlpatterns = [
    path("audit-probe/view/", viewed, name="probe-view"),
    path("audit-probe/by-reference/<str:reference>/", viewed, name="probe-reference"),
    path("audit-probe/twice/", twice, name="probe-twice"),
    path("audit-probe/raises/", raises, name="probe-raises"),
    path("audit-probe/rolls-back/", rolls_back, name="probe-rolls-back"),
    path("audit-probe/raises-in-transaction/", raises_in_transaction, name="probe-atomic-raise"),
    path("audit-probe/streams/", streams, name="probe-streams"),
    *siex_urlpatterns,
]
