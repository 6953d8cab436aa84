"""docs/better-auth.md shows the example's event hooks as they are, so the docs, the
example and the interop tests (which run the same file) cannot drift apart."""

from testing.processes import PROJECT_ROOT

from .conftest import EXAMPLE

HOOKS = EXAMPLE / "src" / "lib" / "api-events.mjs"
DOCS = PROJECT_ROOT / "docs" / "better-auth.md"


def test_the_docs_show_the_examples_event_hooks_word_for_word():
    assert f"```js\n{HOOKS.read_text()}```\n" in DOCS.read_text(), (
        f"copy {HOOKS.relative_to(PROJECT_ROOT)} into the js block of {DOCS.relative_to(PROJECT_ROOT)}"
    )
