"""DRF's content negotiation, answered without parsing for what nearly every client sends."""

from collections.abc import Sequence

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


def names_first_renderer(accept: str | None, renderers: Sequence[BaseRenderer]) -> bool:
    """Whether an `Accept` header (None: absent) asks for the first renderer as it is: `*/*` or its type."""
    return accept is None or accept in ("*/*", renderers[0].media_type)


class ContentNegotiation(DefaultContentNegotiation):
    """No `Accept` header, `*/*` or the first renderer's type; no format suffix or `?format=`: that renderer.

    That is what DefaultContentNegotiation answers for them too (renderer and
    media type alike), after parsing the header and ranking every renderer on
    every request; anything else still goes through it.
    """

    # DRF passes the view's list of renderers; the stubs say any iterable.
    def select_renderer(  # type: ignore[override]
        self, request: Request, renderers: Sequence[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        if (
            format_suffix is None
            and names_first_renderer(request.META.get("HTTP_ACCEPT"), renderers)
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
