"""Language selection (Dutch unless the user chose otherwise), and no caching of answers."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but the browser's Accept-Language header is ignored: the
    interface is Dutch by default and English only when the user picks it (language cookie)."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        available = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """Every answer of the application (pages, API, downloads) may not be kept by the browser or
    any cache in between: household data, figures and exports are read fresh, and nothing stays
    behind on a shared computer after signing out. Static files (WhiteNoise, earlier in the chain)
    keep their own long caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
