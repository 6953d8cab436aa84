"""Conditional requests (RFC 9110, section 13): `If-Match` guards a change, `If-None-Match` saves a read.

The comparisons of section 8.8.3.2: If-Match compares strongly (a weak
validator, `W/"..."`, never matches), If-None-Match weakly (the `W/` is
ignored on both sides). `*` matches any current representation; a
malformed field names no entity tag, so matches nothing (a change is
refused, a read answered in full).
"""

from django.utils.http import parse_etags

from .exceptions import PreconditionFailed

IF_MATCH_META_KEY = "HTTP_IF_MATCH"
IF_NONE_MATCH_META_KEY = "HTTP_IF_NONE_MATCH"


def if_match_passes(field: str, current_etag: str) -> bool:
    """Whether an If-Match field value lets a change to the representation with `current_etag` (strong) go on."""
    etags = parse_etags(field)
    return etags == ["*"] or current_etag in etags


def if_match_ensure(field: str | None, current_etag: str) -> None:
    """PreconditionFailed unless the field is absent or passes."""
    if field is not None and not if_match_passes(field, current_etag):
        raise PreconditionFailed()


def if_none_match_matches(field: str | None, current_etag: str) -> bool:
    """Whether an If-None-Match field value names the representation the client already has (weakly)."""
    if field is None:
        return False
    etags = parse_etags(field)
    return etags == ["*"] or current_etag.removeprefix("W/") in {etag.removeprefix("W/") for etag in etags}
