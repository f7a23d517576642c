from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
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
