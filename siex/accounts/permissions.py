"""REST framework permission classes: deny by default, admit by a named rule."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class IsSignedIn(BasePermission):
    """Any signed-in user with a role (used for the API schema and its documentation page)."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perm("siex.view_start"))


class HasRulePermission(BasePermission):
    """Admit a request only when the view names a permission for it and the user holds it.

    A view sets ``permission_required`` to a permission name, or to a mapping from HTTP method
    (``"GET"``, ``"POST"``, ...; ``"*"`` for any other) to a name. A view that names nothing, or a
    method the mapping does not mention, is refused: new endpoints are closed until opened.
    A method the endpoint does not have at all answers 405 to those who may read the endpoint
    (the schema tells them as much) and is refused to everyone else.
    Object-level checks pass the object to ``has_perm`` so rules can look at it.
    """

    # DRF's own refusal says "je" in Dutch; the interface addresses users with "u".
    message = _("Your role does not allow this request.")

    def _permission_for(self, request, view) -> str | None:
        required = getattr(view, "permission_required", None)
        method = request.method
        if method in ("HEAD", "OPTIONS") or method not in getattr(view, "allowed_methods", ()):
            method = "GET"
        if isinstance(required, dict):
            return required.get(method) or required.get("*")
        return required

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        permission = self._permission_for(request, view)
        return bool(permission) and request.user.has_perm(permission)

    def has_object_permission(self, request, view, obj) -> bool:
        permission = self._permission_for(request, view)
        return bool(permission) and request.user.has_perm(permission, obj)
