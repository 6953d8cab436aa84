"""Reading the links out of the emails in Django's outbox, as a person's mail client would show them."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from accounts.links import DECLINE_EMAIL_PATH

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class MailedLink:
    url: str
    path: str
    uid: str
    token: str

    def body(self, **extra):
        return {"uid": self.uid, "token": self.token, **extra}


def link_in(message, path=None):
    """The one link to the front end at `path` in an email; by default its main link (not "this wasn't me")."""
    urls = [url for url in LINK.findall(message.body) if url.startswith(settings.FRONTEND_URL)]
    if path is None:
        urls = [url for url in urls if urlsplit(url).path != DECLINE_EMAIL_PATH]
    else:
        urls = [url for url in urls if urlsplit(url).path == path]
    assert len(urls) == 1, message.body
    parts = urlsplit(urls[0])
    query = parse_qs(parts.query)
    return MailedLink(urls[0], parts.path, query["uid"][0], query["token"][0])


def aged_token(generator, user, seconds):
    """The token `generator` mailed `user` `seconds` ago: the same HMAC with that moment's timestamp."""
    then = generator._num_seconds(generator._now()) - seconds
    return generator._make_token_with_timestamp(user, then, generator.secret)
