"""Swagger UI in a real browser (issue 8, items 14 and 15): for each partner, open its Swagger UI
in headless Chromium, authorize with the demo credentials, execute one secured read and see 200.

Chromium comes from the distribution's packages (installed here when missing); Playwright only
drives it (never `playwright install`). The test skips, saying why, only when Chromium cannot be
installed or started on this machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sparring.catalog import load_partners

from served import Served

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = os.environ.get("SPARRING_SCREENSHOTS")  # a folder to keep screenshots in, for a person to look at


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        apt = shutil.which("apt-get")
        if apt is None:
            pytest.skip("Chromium is not installed and there is no apt-get to install it")
        done = subprocess.run([apt, "install", "-y", "chromium"], capture_output=True, text=True, timeout=900,
                              env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if done.returncode != 0 or not Path(CHROMIUM).exists():
            pytest.skip(f"Chromium could not be installed with apt-get: {done.stderr.strip()[-300:]}")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        except Exception as exc:  # noqa: BLE001  (a machine where Chromium cannot start)
            pytest.skip(f"Chromium did not start: {str(exc)[:300]}")
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    served = Served("--seed", "0")
    yield served
    served.stop()


def _page(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    page.goto(url)
    page.locator("button.authorize").first.wait_for(timeout=30_000)
    return page


def _execute(page, operation_id: str) -> str:
    """Open an operation, Try it out, Execute; the status of the live response."""
    block = page.locator(f"[id$='-{operation_id}']").first
    block.locator(".opblock-summary").first.click()
    block.locator("button.try-out__btn").click()
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table tr.response .response-col_status").first
    status.wait_for(timeout=30_000)
    return status.inner_text().strip()


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=False)


def test_inventorypro_authorizes_with_the_prefilled_demo_client_and_reads(browser, server):
    page = _page(browser, f"{server.base}/inventorypro/api/v1/ui/")
    page.locator("button.authorize").first.click()
    dialog = page.locator(".modal-ux")
    assert dialog.locator("input#client_id").input_value() == "demo-warehouse"  # filled in: two clicks
    dialog.locator("button.authorize.modal-btn").click()
    dialog.locator("button:has-text('Logout')").wait_for(timeout=30_000)  # the token was issued
    _shot(page, "inventorypro-authorized")
    dialog.locator("button.btn-done").click()
    status = _execute(page, "listCustomers")
    _shot(page, "inventorypro-executed")
    assert status == "200"
    body = page.locator("[id$='-listCustomers'] .live-responses-table .response-col_description pre").first.inner_text()
    assert '"totalCount": 48' in body  # nothing filtered by a pre-filled example
    page.close()


def test_yodify_offers_a_bearer_field_and_reads_with_the_demo_token(browser, server):
    page = _page(browser, f"{server.base}/yodify/api/v1/ui/")
    page.locator("button.authorize").first.click()
    dialog = page.locator(".modal-ux")
    assert "yodify-demo-token" in dialog.inner_text()  # the token to paste is shown
    assert dialog.locator("input#client_id").count() == 0  # no client-credentials form for a URL that does not exist
    dialog.locator("input[type=text]").first.fill("yodify-demo-token")
    dialog.locator("button.authorize.modal-btn").click()
    dialog.locator("button:has-text('Logout')").wait_for(timeout=30_000)
    _shot(page, "yodify-authorized")
    dialog.locator("button.btn-done").click()
    status = _execute(page, "getAccounts")
    _shot(page, "yodify-executed")
    assert status == "200"
    page.close()


def test_the_index_is_a_page_with_links_to_each_swagger_ui(browser, server):
    page = browser.new_page()
    page.goto(f"{server.base}/")
    links = page.locator("a:has-text('Swagger UI'):not([href^='/__sparring'])")
    assert links.count() == sum(p.servable for p in load_partners())  # one per served partner
    page.locator("a[href*='/inventorypro/']:has-text('Swagger UI')").first.click()
    page.locator("button.authorize").first.wait_for(timeout=30_000)
    assert page.url.endswith("/api/v1/ui/")
    page.close()
