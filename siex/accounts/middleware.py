"""Deny by default for every page: sign-in required, and a permission the view names."""

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied


def _view_attr(view_func, name: str):
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    if view_class is not None and hasattr(view_class, name):
        return getattr(view_class, name)
    return getattr(view_func, name, None)


class DenyByDefaultMiddleware(LoginRequiredMiddleware):
    """Extends Django's LoginRequiredMiddleware with a permission check.

    - A view marked ``login_not_required`` (login page, health check, language switch) is public.
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
        if not getattr(view_func, "login_required", True):
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


def _is_api_view(view_func) -> bool:
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)
