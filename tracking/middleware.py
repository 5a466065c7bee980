"""Chinese first: the site speaks Simplified Chinese unless the visitor chooses English."""


class ChineseFirstMiddleware:
    """Drop the browser's Accept-Language before LocaleMiddleware reads it.

    A township's public site speaks Chinese to everyone, whatever language the browser or the
    office computer happens to be set to; the switch on every page (a cookie) is the only way
    to English, so two people looking at the same page see the same words. The open-data API
    is read by programs, which ask for their language in the standard header: it keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
