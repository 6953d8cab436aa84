"""Argument types shared by the operator commands."""

from collections.abc import Callable


def int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer no smaller than `minimum` (argparse reports anything else)."""

    def parse(value: str) -> int:
        number = int(value)
        if number < minimum:
            raise ValueError(value)
        return number

    parse.__name__ = f"integer of at least {minimum}"
    return parse
