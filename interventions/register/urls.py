"""Pages of the household register (policy officers change; project leads read)."""

from django.urls import path

from . import teams, views

app_name = "register"

urlpatterns = [
    path("", views.RegisterView.as_view(), name="households"),
    path("nieuw/", views.HouseholdCreateView.as_view(), name="household-new"),
    path("<int:pk>/", views.HouseholdDetailView.as_view(), name="household"),
    path("<int:pk>/wijzigen/", views.HouseholdEditView.as_view(), name="household-edit"),
    path(
        "<int:pk>/interventies/nieuw/",
        views.InterventionCreateView.as_view(),
        name="intervention-new",
    ),
    path(
        "interventies/<int:pk>/wijzigen/",
        views.InterventionEditView.as_view(),
        name="intervention-edit",
    ),
    path(
        "interventies/<int:pk>/beeindigen/",
        views.InterventionEndView.as_view(),
        name="intervention-end",
    ),
    path("interventies/kostprijs/", views.UnitCostView.as_view(), name="unit-cost"),
    path("teams/", teams.TeamListView.as_view(), name="teams"),
    path("teams/nieuw/", teams.TeamFormView.as_view(), name="team-new"),
    path("teams/<int:pk>/", teams.TeamFormView.as_view(), name="team"),
]
