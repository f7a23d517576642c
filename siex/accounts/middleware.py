"""Deny by default for every page: sign-in required, and a permission the view names; a user
signed in with a one-time password chooses their own before anything else; a user who has (or
must have) a second sign-in step passes it before anything else; and a session ends when unused
for a while or after its maximum age."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import one_time_password, two_factor_step

# The session of a user who signed in with a one-time password carries this key until they chose
# their own password: set at every sign-in (``one_time_password_session_mark``, on Django's
# ``user_logged_in``, so the admin's sign-in and test clients are covered too), removed by the
# password change page. No query per request: an administrator's reset changes the password, which
# ends every session the user had, so a session without the key cannot hold a one-time password.
ONE_TIME_SESSION_KEY = "siex_one_time_password"
# The one page a user with a one-time password may open (besides signing out): choosing their own.
PASSWORD_CHANGE_VIEW = "accounts:password_change"  # noqa: S105 - a URL name
# The pages a signed-in user who still has to pass the second step may open (besides signing
# out): entering a code, or setting up an authenticator app when their role requires one.
# The first page of each is where the other pages send the user.
TWO_FACTOR_STEP_VIEWS = {
    "verify": ("accounts:two-factor",),
    "setup": ("two_factor:setup", "two_factor:qr"),
}
# When the session's user signed in and when it was last used (seconds since the epoch).
SIGNED_IN_AT_SESSION_KEY = "siex_signed_in_at"
LAST_SEEN_SESSION_KEY = "siex_last_seen"
# Set in the fresh session after a session ended, for the sign-in page to say why.
SESSION_ENDED_SESSION_KEY = "siex_session_ended"
# The last-seen time is written at most once a minute (a session write per request otherwise).
LAST_SEEN_RESOLUTION = 60
# When a session of a user who needs no second step (no app set up, a role that does not require
# one) last found so; it is looked up again after this many seconds, so that a role that now
# requires the second step (or an app set up in another session) holds the session back within
# minutes, without three queries on every request.
TWO_FACTOR_EXEMPT_SESSION_KEY = "siex_two_factor_exempt_at"
TWO_FACTOR_RECHECK_SECONDS = 300


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
        if (
            request.user.is_authenticated
            and (not public or _is_api_view(view_func))
            and not getattr(request.user, "is_verified", lambda: False)()
        ):
            step = _two_factor_step(request)
            if step is not None:
                return self.handle_two_factor(request, view_func, step)
        if public:
            return None
        match = request.resolver_match
        if match is not None and match.namespaces[:1] == ["admin"]:
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

    def handle_two_factor(self, request, view_func, step: str):
        """The second step first: its own pages pass (and their permission is checked as any
        page's); a page is sent there (and back afterwards); the API and any POST are refused."""
        allowed = TWO_FACTOR_STEP_VIEWS[step]
        match = request.resolver_match
        if match is not None and match.view_name in allowed:
            return None
        if _is_api_view(view_func) or request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return redirect(f"{reverse(allowed[0])}?{urlencode({'next': request.get_full_path()})}")


def one_time_password_session_mark(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: mark the session of a user whose password is one-time."""
    if request is not None and hasattr(request, "session"):
        if one_time_password(user) is not None:
            request.session[ONE_TIME_SESSION_KEY] = True
        else:
            request.session.pop(ONE_TIME_SESSION_KEY, None)


def _two_factor_step(request) -> str | None:
    """``selectors.two_factor_step`` for the session's user, remembered for a while when None."""
    session, now = request.session, time.time()
    exempt_at = session.get(TWO_FACTOR_EXEMPT_SESSION_KEY)
    if exempt_at is not None and 0 <= now - exempt_at < TWO_FACTOR_RECHECK_SECONDS:
        return None
    step = two_factor_step(request.user)
    if step is None:
        session[TWO_FACTOR_EXEMPT_SESSION_KEY] = now
    else:
        session.pop(TWO_FACTOR_EXEMPT_SESSION_KEY, None)
    return step


def session_times_mark(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the session's sign-in time, from which its maximum age runs."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT_SESSION_KEY] = now
        request.session[LAST_SEEN_SESSION_KEY] = now


class SessionTimeoutMiddleware:
    """A signed-in session ends (the user is signed out, and the sign-in page says why) when it
    was not used for ``SIEX_SESSION_IDLE_MINUTES`` or is older than ``SESSION_COOKIE_AGE``
    (counted from the sign-in: the session's cookie is renewed as it is used)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request) -> None:
        session, now = request.session, time.time()
        signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY)
        last_seen = session.get(LAST_SEEN_SESSION_KEY)
        idle = settings.SIEX_SESSION_IDLE_MINUTES * 60
        if (last_seen is not None and now - last_seen > idle) or (
            signed_in_at is not None and now - signed_in_at > settings.SESSION_COOKIE_AGE
        ):
            logout(request)
            request.session[SESSION_ENDED_SESSION_KEY] = True
            return
        if signed_in_at is None:
            session[SIGNED_IN_AT_SESSION_KEY] = now
        if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN_SESSION_KEY] = now


def _is_api_view(view_func) -> bool:
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)
