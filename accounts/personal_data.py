"""What other apps keep about a person, and how the account's export and erasure reach it.

accounts owns an account's life (`user_export`, `user_erase`) but not every
app's rows about the person. An app that keeps some registers them here from
its `AppConfig.ready` (tasks does, in tasks/apps.py), and export and erasure
call each registered one: accounts imports none of those apps.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from .models import User


class Export(Protocol):
    """The person's rows as JSON-ready values, read lazily: the export streams."""

    def __call__(self, *, user: User) -> Iterable[object]: ...


class Erase(Protocol):
    """Delete the person's rows, leaving nothing that names them; answers how many rows went.

    Rows that are not the person's to delete (an organization's task they
    created) are unnamed instead, and counted. Called inside the erasure's
    transaction, before the user row is deleted.
    """

    def __call__(self, *, user_id: str) -> int: ...


@dataclass(frozen=True)
class PersonalData:
    """One app's rows about a person: `name` is their key in the export, `<name>_<erased_as>` in the erasure's log."""

    name: str
    export: Export
    erase: Erase
    # What `erase` does to them: "deleted", or "unnamed" for rows that stay without the person's name.
    erased_as: str = "deleted"


_registered: dict[str, PersonalData] = {}


def personal_data_register(*, name: str, export: Export, erase: Erase, erased_as: str = "deleted") -> None:
    """Add an app's rows about a person to every export and erasure; registering a name again replaces it."""
    _registered[name] = PersonalData(name=name, export=export, erase=erase, erased_as=erased_as)


def personal_data_registered() -> tuple[PersonalData, ...]:
    """Every app's registered rows, in the order registered (their apps' order in INSTALLED_APPS)."""
    return tuple(_registered.values())
