"""DRF's content negotiation, answered without parsing for what nearly every client sends."""

from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """No `Accept` header or `Accept: */*`, no format suffix or `?format=`: the first renderer.

    That is what DefaultContentNegotiation answers for them too (renderer and
    media type alike), after parsing the header and ranking every renderer on
    every request; anything else still goes through it.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            format_suffix is None
            and request.META.get("HTTP_ACCEPT", "*/*") == "*/*"
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
