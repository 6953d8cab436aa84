"""Argument types shared by the operator commands."""


def int_at_least(minimum):
    """An argparse type: an integer no smaller than `minimum` (argparse reports anything else)."""

    def parse(value):
        number = int(value)
        if number < minimum:
            raise ValueError(value)
        return number

    parse.__name__ = f"integer of at least {minimum}"
    return parse
