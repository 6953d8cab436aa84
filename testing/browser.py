"""Debian's headless Chromium under Selenium; nothing is downloaded."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .processes import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ENSURE_CHROMIUM = PROJECT_ROOT / "scripts" / "ensure-chromium"


@pytest.fixture(scope="module")
def chromium_installed() -> None:
    missing = not (CHROMIUM.exists() and CHROMEDRIVER.exists())
    if missing and os.geteuid() != 0:
        pytest.skip("Chromium is not installed and only root can install it (scripts/ensure-chromium)")
    if missing:
        subprocess.run([str(ENSURE_CHROMIUM)], check=True, timeout=900)


@pytest.fixture
def browser(chromium_installed: None, tmp_path: Path) -> Iterator:
    """Debian's headless Chromium under Selenium, with a fresh profile."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]:
        options.add_argument(argument)
    # Every request a page makes, so a test can prove none left this machine.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # The service path keeps Selenium Manager (which downloads drivers) out of it.
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()
