"""The workers' metrics directory: one per server instance, emptied at start, locked while it runs."""

import fcntl
import os
import subprocess

import pytest

from server.metrics import VARIABLE, MetricsDirectory, MetricsDirectoryInUse
from testing.processes import PROJECT_ROOT, project_env
from testing.servers import PRODUCTION_ENV, SERVER


@pytest.fixture(autouse=True)
def variable_restored():
    """`prepare` names the directory in this process's environment; the processes other tests start inherit it."""
    saved = os.environ.pop(VARIABLE, None)
    yield
    os.environ.pop(VARIABLE, None)
    if saved is not None:
        os.environ[VARIABLE] = saved


def test_by_default_a_new_directory_is_made_named_for_the_workers_and_removed_at_the_stop():
    directory = MetricsDirectory.prepare("")

    assert directory.path.is_dir()
    assert os.environ[VARIABLE] == str(directory.path)
    other = MetricsDirectory.prepare("")
    assert other.path != directory.path
    directory.close()
    other.close()
    assert not directory.path.exists()


def test_a_named_directory_is_emptied_of_an_earlier_instance_s_counts_and_kept(tmp_path):
    (tmp_path / "counter_4242.db").write_bytes(b"counts of a server that was killed")
    (tmp_path / "histogram_4242.db").write_bytes(b"")

    directory = MetricsDirectory.prepare(str(tmp_path))

    assert sorted(path.name for path in tmp_path.iterdir()) == [".lock"]
    directory.close()
    assert tmp_path.is_dir()


def test_a_second_instance_cannot_share_a_running_one_s_directory(tmp_path):
    running = MetricsDirectory.prepare(str(tmp_path))
    (tmp_path / "counter_1.db").write_bytes(b"the running instance's counts")

    with pytest.raises(MetricsDirectoryInUse):
        MetricsDirectory.prepare(str(tmp_path))

    assert (tmp_path / "counter_1.db").exists()
    running.close()
    MetricsDirectory.prepare(str(tmp_path)).close()


@pytest.mark.server
def test_the_server_refuses_to_start_on_a_directory_in_use(tmp_path):
    lock = os.open(tmp_path / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        result = subprocess.run(
            SERVER,
            cwd=PROJECT_ROOT,
            env=project_env(
                **PRODUCTION_ENV, SERVER_BIND="127.0.0.1:0", METRICS_TOKEN="m" * 40, SERVER_METRICS_DIR=tmp_path
            ),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(lock)

    assert result.returncode == 1
    assert "is in use by another server instance" in result.stdout + result.stderr
    assert "Spawning worker" not in result.stdout + result.stderr
