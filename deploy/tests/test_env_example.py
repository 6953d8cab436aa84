"""Every environment variable the project reads is documented in .env.example, with a comment."""

import re

from testing.processes import PROJECT_ROOT

READERS = ["config/settings.py", "server/config.py"]
ENV_READ = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def variables_read():
    names = set()
    for path in READERS:
        names |= set(ENV_READ.findall((PROJECT_ROOT / path).read_text()))
    return names


def documented_variables():
    documented = {}
    previous = ""
    for line in (PROJECT_ROOT / ".env.example").read_text().splitlines():
        # A variable whose default is computed is shown commented out: `# NAME=example`.
        match = re.match(r"^(?:#\s*)?([A-Z][A-Z0-9_]+)=", line)
        if match:
            documented[match.group(1)] = previous.startswith("#")
        previous = line
    return documented


def test_the_reader_finds_the_variables_it_should():
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "BETTER_AUTH_SECRET", "SERVER_WORKERS"} <= variables_read()


def test_every_variable_read_is_in_env_example_with_a_comment():
    documented = documented_variables()

    missing = sorted(variables_read() - set(documented))
    uncommented = sorted(name for name, has_comment in documented.items() if not has_comment)
    assert missing == []
    assert uncommented == []
