"""API tokens that expire: a token a superuser issued stops working ``SIEX_API_TOKEN_HOURS``
after it was issued (401, as for an unknown token), and is deleted when its user's password
changes (``services.api_tokens_revoke_on_password_change``)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .selectors import api_token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if api_token_expired(token):
            raise exceptions.AuthenticationFailed(
                _("This token has expired. Ask the administrator for a new one.")
            )
        return user, token
