"""Request id: taken from `X-Request-ID` when sane, generated otherwise, echoed back."""

import re
import uuid

from .logging import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# Client-supplied ids end up in logs: accept only short, plain tokens.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIDMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = supplied if _ACCEPTABLE_ID.match(supplied) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response
