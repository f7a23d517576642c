"""Deny by default for every page: sign-in required, and a permission the view names; and a
user signed in with a one-time password chooses their own before anything else."""

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from .selectors import one_time_password

# The session of a user who signed in with a one-time password carries this key until they chose
# their own password: set at every sign-in (``one_time_password_session_mark``, on Django's
# ``user_logged_in``, so the admin's sign-in and test clients are covered too), removed by the
# password change page. No query per request: an administrator's reset changes the password, which
# ends every session the user had, so a session without the key cannot hold a one-time password.
ONE_TIME_SESSION_KEY = "siex_one_time_password"
# The one page a user with a one-time password may open (besides signing out): choosing their own.
PASSWORD_CHANGE_VIEW = "accounts:password_change"  # noqa: S105 - a URL name


def _view_attr(view_func, name: str):
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    if view_class is not None and hasattr(view_class, name):
        return getattr(view_class, name)
    return getattr(view_func, name, None)


class DenyByDefaultMiddleware(LoginRequiredMiddleware):
    """Extends Django's LoginRequiredMiddleware with a permission check.

    - A view marked ``login_not_required`` (login page, health check, language switch) is public.
    - A user signed in with a one-time password (set by an administrator) is sent to choose their
      own password before anything else, the admin and the API included.
    - The Django admin is the superuser's (``admin_site.py``, which also sends a signed-out user to
      its own sign-in); any other signed-in user is refused here, before the admin is reached.
    - REST framework views are left to ``HasRulePermission`` (JSON errors instead of redirects),
      except that a signed-out reader of an API page meant for the browser (``sign_in_in_browser``,
      the API documentation) is sent to sign in.
    - Every other view must name ``permission_required``; a view that names none is refused.
    """

    admin_prefix = "/admin/"

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            not request.user.is_authenticated
            and request.method in ("GET", "HEAD")
            and _view_attr(view_func, "sign_in_in_browser")
        ):
            return self.handle_no_permission(request, view_func)
        public = not getattr(view_func, "login_required", True)
        # REST framework marks its views public (it authenticates them itself): a session with a
        # one-time password is still held back there.
        if (
            request.user.is_authenticated
            and (not public or _is_api_view(view_func))
            and getattr(request, "session", {}).get(ONE_TIME_SESSION_KEY)
        ):
            return self.handle_one_time_password(request, view_func)
        if public:
            return None
        if request.path.startswith(self.admin_prefix):
            if request.user.is_authenticated and not request.user.is_superuser:
                raise PermissionDenied
            return None
        if _is_api_view(view_func):
            return None
        if not request.user.is_authenticated:
            return self.handle_no_permission(request, view_func)
        permission = _view_attr(view_func, "permission_required")
        if isinstance(permission, str):
            permission = (permission,)
        if not permission or not request.user.has_perms(permission):
            raise PermissionDenied
        return None

    def handle_one_time_password(self, request, view_func):
        match = request.resolver_match
        if match is not None and match.view_name == PASSWORD_CHANGE_VIEW:
            return None
        if _is_api_view(view_func) or request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return redirect(PASSWORD_CHANGE_VIEW)


def one_time_password_session_mark(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: mark the session of a user whose password is one-time."""
    if request is not None and hasattr(request, "session"):
        if one_time_password(user) is not None:
            request.session[ONE_TIME_SESSION_KEY] = True
        else:
            request.session.pop(ONE_TIME_SESSION_KEY, None)


def _is_api_view(view_func) -> bool:
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)
