"""Pages of the follow-up of a household (policy officers change; project leads read them on the
household page)."""

from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("volgen/import/", views.FollowUpImportView.as_view(), name="import"),
    path(
        "<int:pk>/metingen/<slug:instrument>/nieuw/",
        views.AssessmentFormView.as_view(),
        name="assessment-new",
    ),
    path(
        "metingen/<int:record>/wijzigen/",
        views.AssessmentFormView.as_view(),
        name="assessment-edit",
    ),
    path(
        "metingen/<int:record>/verwijderen/",
        views.AssessmentDeleteView.as_view(),
        name="assessment-delete",
    ),
    path("<int:pk>/vragenlijsten/nieuw/", views.SurveyFormView.as_view(), name="survey-new"),
    path(
        "vragenlijsten/<int:record>/wijzigen/", views.SurveyFormView.as_view(), name="survey-edit"
    ),
    path(
        "vragenlijsten/<int:record>/verwijderen/",
        views.SurveyDeleteView.as_view(),
        name="survey-delete",
    ),
    path("<int:pk>/effecten/nieuw/", views.OutcomeEventFormView.as_view(), name="event-new"),
    path(
        "effecten/<int:record>/wijzigen/", views.OutcomeEventFormView.as_view(), name="event-edit"
    ),
    path(
        "effecten/<int:record>/verwijderen/",
        views.OutcomeEventDeleteView.as_view(),
        name="event-delete",
    ),
]
