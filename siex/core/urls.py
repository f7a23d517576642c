from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("status/", views.SystemStatusView.as_view(), name="status"),
    path("status/worker/", views.WorkerStatusView.as_view(), name="status-worker"),
]
