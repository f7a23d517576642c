"""The pages of the second sign-in step, under django-two-factor-auth's URL names (its views and
templates refer to them)."""

from django.urls import path

from . import two_factor_views as views

app_name = "two_factor"

urlpatterns = [
    path("", views.ProfileView.as_view(), name="profile"),
    path("instellen/", views.SetupView.as_view(), name="setup"),
    path("instellen/qr/", views.QRGeneratorView.as_view(), name="qr"),
    path("ingesteld/", views.SetupCompleteView.as_view(), name="setup_complete"),
    path("herstelcodes/", views.BackupTokensView.as_view(), name="backup_tokens"),
    path("uitzetten/", views.DisableView.as_view(), name="disable"),
]
