"""bcrypt at its lowest cost in the tests' own process; the production cost where a test asks for it.

At the production cost (12) each hash or check takes a quarter of a second,
and the in-process tests sign in thousands of times: most of the suite's time
went there. The same hasher runs, through the same code, at bcrypt's lowest
cost (4). `production_bcrypt_cost` puts 12 back for the test that proves it;
every server the tests start in a child process hashes at 12 as well.
"""

from collections.abc import Iterator

import pytest

LOWEST_COST = 4


@pytest.fixture(autouse=True, scope="session")
def _bcrypt_at_lowest_cost() -> Iterator[int]:
    """Hash at the lowest cost for the whole session; answers the production cost."""
    from accounts.hashers import BCryptSHA256PasswordHasher

    production = BCryptSHA256PasswordHasher.rounds
    BCryptSHA256PasswordHasher.rounds = LOWEST_COST
    yield production
    BCryptSHA256PasswordHasher.rounds = production


@pytest.fixture
def production_bcrypt_cost(_bcrypt_at_lowest_cost: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """bcrypt at the cost `accounts.hashers` sets, for this test; answers it."""
    from accounts.hashers import BCryptSHA256PasswordHasher

    monkeypatch.setattr(BCryptSHA256PasswordHasher, "rounds", _bcrypt_at_lowest_cost)
    return _bcrypt_at_lowest_cost
