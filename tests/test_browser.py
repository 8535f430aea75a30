"""A real browser (headless Chromium) completes a booking in Ukrainian on the web page."""

from __future__ import annotations

import os
import shutil
import socket
import threading

import pytest
import uvicorn

from assistant.channels.web import make_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _missing() -> str | None:
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        return "chromium and chromium-driver are not installed (apt-get install them)"
    return None


@pytest.fixture
def server(content, store):
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(make_app(content, store), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    ready = threading.Event()
    for _ in range(200):
        if srv.started:
            ready.set()
            break
        thread.join(timeout=0.05)
    assert ready.is_set(), "server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--lang=uk",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=412,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(10)
    yield driver
    driver.quit()


def test_booking_in_ukrainian_in_a_real_browser(server: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 15)
    browser.get(server)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#choices button")))
    Select(browser.find_element(By.ID, "lang")).select_by_value("uk")
    wait.until(ec.text_to_be_present_in_element((By.ID, "choices"), "Записатися на зустріч"))

    def click(key: str, expect: str) -> None:
        selector = (By.CSS_SELECTOR, f"#choices button[data-key='{key}']")
        wait.until(ec.element_to_be_clickable(selector)).click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "log"), expect))

    def type_in(text: str, expect: str) -> None:
        box = browser.find_element(By.ID, "text")
        box.clear()
        box.send_keys(text)
        browser.find_element(By.ID, "send").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "log"), expect))

    click("1", "Яка зустріч вам потрібна?")
    click("7", "Якою мовою ви хочете провести зустріч?")
    click("3", "Оберіть час.")
    click("1", "Як вас звати?")
    type_in("<b>Ольга</b> Петренко", "Який ваш номер телефону?")
    type_in("22334455", "Усе правильно?")
    assert "<b>Ольга</b> Петренко" in browser.find_element(By.ID, "log").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#log b"), "user text is never HTML"
    click("1", "Вашу зустріч заброньовано.")
    assert "Код:" in browser.find_element(By.ID, "log").text
    assert browser.execute_script("return document.documentElement.lang") == "uk"
