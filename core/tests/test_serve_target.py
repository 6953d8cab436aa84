"""`make serve` collects static files, then starts gunicorn with the config file, and migrates nothing."""

import subprocess

from conftest import PROJECT_ROOT


def test_make_serve_collects_static_files_then_runs_gunicorn_with_the_config_file():
    result = subprocess.run(
        ["make", "--dry-run", "serve"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 0, result.stderr
    commands = result.stdout.splitlines()
    collect = commands.index(".venv/bin/python manage.py collectstatic --noinput")
    serve = commands.index(".venv/bin/gunicorn config.wsgi --config gunicorn.conf.py")
    assert collect < serve
    assert not [command for command in commands if "migrate" in command]
