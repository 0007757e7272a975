"""A headless Chromium for the tests that look at pages and drawings as a browser shows them.

It is Debian's `chromium` (or any Chromium on PATH) driven by Playwright (the `test` extra);
`make test` and .ci/run install both. Where they are missing the tests that need it are skipped
with the reason in capitals (pytest -ra lists it), and on CI (CI set) they fail instead.
"""

import os
import shutil

import pytest


def chromium_path():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "Playwright is not installed (pip install -e '.[test]')"
    executable = chromium_path()
    if reason is None and executable is None:
        reason = "no Chromium found (apt-get install chromium; `make test` does it as root)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test cannot run on CI: {reason}")
        pytest.skip(f"BROWSER TEST NOT RUN: {reason}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable)
        yield chromium
        chromium.close()
