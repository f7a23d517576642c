from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    # The second step of the sign-in (django-otp): a code from the app or a recovery code.
    path("inloggen/code/", two_factor_views.TwoFactorVerifyView.as_view(), name="two-factor"),
    # A forgotten password: a link by mail.
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-vergeten/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-vergeten/klaar/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Signing out is open to everyone, also a signed-in user without a role.
    path("uitloggen/", login_not_required(views.LogoutView.as_view()), name="logout"),
    path("wachtwoord/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "wachtwoord/gewijzigd/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The administrator's user administration.
    path("gebruikers/", views.UserListView.as_view(), name="users"),
    path("gebruikers/nieuw/", views.UserCreateView.as_view(), name="user-new"),
    path("gebruikers/<int:pk>/", views.UserDetailView.as_view(), name="user"),
    path(
        "gebruikers/<int:pk>/wachtwoord/",
        views.UserPasswordResetView.as_view(),
        name="user-password",
    ),
    path(
        "gebruikers/<int:pk>/deactiveren/",
        views.UserActiveView.as_view(active=False),
        name="user-deactivate",
    ),
    path(
        "gebruikers/<int:pk>/activeren/",
        views.UserActiveView.as_view(active=True),
        name="user-activate",
    ),
]
