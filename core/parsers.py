"""The API's JSON parser: DRF's, with deep nesting refused as a parse error."""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        # Python's json module recurses once per `[` or `{`: a couple of
        # kilobytes of brackets exhaust the interpreter's stack, and DRF only
        # turns ValueError into a 400.
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
