from dataclasses import dataclass

from drf_better_auth.tokens import SESSION_ID_PATTERN, USER_ID_PATTERN
from drf_better_auth.webhooks import data_id, data_optional_string, registry

# What the test app's events did, and the event ids it received (the tests clear both).
APPLIED = []
RECEIVED = set()


@registry.register
@dataclass(frozen=True)
class SessionDeleted:
    type = "session.deleted"
    session_id: str
    user_id: str

    @classmethod
    def from_data(cls, data):
        return cls(
            session_id=data_id(data, "session_id", SESSION_ID_PATTERN),
            user_id=data_id(data, "user_id", USER_ID_PATTERN),
        )

    def apply(self):
        APPLIED.append(self)


@registry.register
@dataclass(frozen=True)
class UserUpdated:
    type = "user.updated"
    user_id: str
    name: str | None

    @classmethod
    def from_data(cls, data):
        return cls(user_id=data_id(data, "user_id", USER_ID_PATTERN), name=data_optional_string(data, "name"))

    def apply(self):
        APPLIED.append(self)
