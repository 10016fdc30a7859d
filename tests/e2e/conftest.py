"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every test in this folder is marked `e2e` and runs only when asked for with `-m e2e`
(STYLE.md §19). Playwright never downloads a browser here: it launches the system
Chromium, and the tests skip with a reason when that is not installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the marker must be on the items before `-m` deselects by it.
    asked_for = "e2e" in (config.option.markexpr or "")
    not_asked = pytest.mark.skip(reason="browser test: run with -m e2e")
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if not asked_for:
            item.add_marker(not_asked)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django
    # refuses ORM calls from such a thread unless told it is safe. It is: the loop only
    # drives the browser, the ORM calls stay synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def viewport() -> dict[str, int]:
    """Phone-sized by default, as most officers use the site on a phone.

    A test overrides it with `@pytest.mark.parametrize("viewport", [DESKTOP])`.
    """
    return PHONE


@pytest.fixture
def page(browser, viewport, live_server, transactional_db) -> Iterator:
    """A fresh browser tab (own cookies) pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        is_mobile=viewport["width"] < 600,
        has_touch=viewport["width"] < 600,
        locale="vi-VN",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_page(browser, live_server, transactional_db) -> Iterator[Callable]:
    """Open more tabs, each in its own browser context (own cookies): a second person
    using the site at the same time as `page`. `open_page(DESKTOP)` for a wide screen."""
    contexts = []

    def open_page(viewport: dict[str, int] = PHONE):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            is_mobile=viewport["width"] < 600,
            has_touch=viewport["width"] < 600,
            locale="vi-VN",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
