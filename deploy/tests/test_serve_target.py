"""`make serve` collects static files, then starts the server (`python -m server`), and migrates nothing."""

import subprocess

from testing.processes import PROJECT_ROOT


def test_make_serve_collects_static_files_then_runs_the_server():
    result = subprocess.run(
        ["make", "--dry-run", "serve"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 0, result.stderr
    commands = result.stdout.splitlines()
    collect = commands.index(".venv/bin/python manage.py collectstatic --noinput")
    serve = commands.index(".venv/bin/python -m server")
    assert collect < serve
    assert not [command for command in commands if "migrate" in command]
