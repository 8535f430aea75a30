"""A real browser (headless Chromium) completes a booking in Ukrainian on the web page, and
drives the kiosk TUI served at /tui."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator

import pytest
import uvicorn
from sqlalchemy import text

from assistant.channels.web import make_app

from .conftest import FIXED_OTP

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _missing() -> str | None:
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        return "chromium and chromium-driver are not installed (apt-get install them)"
    return None


@pytest.fixture
def server(content, store):
    yield from _serve(make_app(content, store))


@pytest.fixture
def server_on_either(content, db_url: str):
    """The server on SQLite, or on PostgreSQL (where turns wait on the event loop)."""
    from assistant.store.db import make_engine
    from assistant.store.demo import seed_demo
    from assistant.store.sessions import SessionStore

    engine = make_engine(db_url)
    seed_demo(engine)
    yield from _serve(make_app(content, SessionStore(engine)))
    engine.dispose()


class Watched:
    """An ASGI app that counts the requests and sockets it is serving, and keeps what any of
    them raised (uvicorn would only log it)."""

    def __init__(self, app) -> None:
        self.app, self.serving, self.raised = app, 0, []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await self.app(scope, receive, send)
        self.serving += 1
        try:
            await self.app(scope, receive, send)
        except BaseException as exc:
            self.raised.append(exc)
            raise
        finally:
            self.serving -= 1


@pytest.fixture
def tui_app(content, store) -> Watched:
    return Watched(make_app(content, store, tui_sessions=1))


@pytest.fixture
def tui_server(tui_app):
    yield from _serve(tui_app)


def _serve(app) -> Iterator[str]:
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
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


def test_booking_in_ukrainian_in_a_real_browser(server_on_either: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 15)
    browser.get(server_on_either)
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
    said = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#log p.user")]
    assert said[-1] == "1. Записатися на зустріч", "the log shows what was chosen, in words"
    click("7", "Якою мовою ви хочете провести зустріч?")
    click("3", "Оберіть час.")
    click("1", "Як вас звати?")
    type_in("<b>Ольга</b> Петренко", "Який ваш номер телефону?")
    type_in("22334455", "Напишіть код тут.")  # a new booking on the web: the SMS code
    type_in(FIXED_OTP, "Усе правильно?")
    assert "<b>Ольга</b> Петренко" in browser.find_element(By.ID, "log").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#log b"), "user text is never HTML"
    click("1", "Вашу зустріч заброньовано.")
    assert "Код:" in browser.find_element(By.ID, "log").text
    assert browser.execute_script("return document.documentElement.lang") == "uk"


def _ukrainian_page(server: str, browser):
    """Open the page, choose Ukrainian, and return a function that clicks a choice or a
    command and waits for a reply that says ``expect``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 15)
    browser.get(server)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#choices button")))
    assert browser.execute_script("return document.documentElement.lang") != "uk"
    Select(browser.find_element(By.ID, "lang")).select_by_value("uk")
    wait.until(ec.text_to_be_present_in_element((By.ID, "choices"), "Записатися на зустріч"))

    def shown() -> list[str]:  # read in one go: the page may replace the log meanwhile
        return browser.execute_script(
            "return Array.from(document.querySelectorAll('#log > *'), e => e.textContent)")

    def click(key: str, expect: str) -> None:
        before = shown()
        selector = (By.CSS_SELECTOR, f"#choices button[data-key='{key}'], "
                                     f"#commands button[data-command='{key}']")
        wait.until(ec.element_to_be_clickable(selector)).click()

        def replied(_) -> bool:
            lines = shown()
            started_again = lines[:1] != before[:1]  # the log was replaced
            return any(expect in line for line in (lines if started_again else
                                                    lines[len(before):]))

        wait.until(replied, f"no reply saying {expect!r}")

    return click


@pytest.fixture
def strict_server(content, store):
    yield from _serve(make_app(content, store, ip_limit=3))


def test_the_page_says_in_ukrainian_that_it_is_rate_limited(strict_server: str,
                                                             browser) -> None:
    """The API's errors are English, for programs; the page says them in the user's language.
    Three requests a minute: the page's new session, the language and a menu, then the
    limit."""
    click = _ukrainian_page(strict_server, browser)
    click("menu", "Що ви хочете зробити?")
    click("menu", "Ви надіслали багато повідомлень за короткий час.")
    assert "wait a minute" not in browser.find_element("id", "log").text


def test_the_page_starts_again_when_the_conversation_is_gone_and_says_when_offline(
        server: str, browser, store) -> None:
    click = _ukrainian_page(server, browser)
    with store.engine.begin() as db:  # what the retention purge does to an old conversation
        db.execute(text("DELETE FROM turns WHERE session_id IN "
                        "(SELECT id FROM sessions WHERE \"key\" LIKE 'web:%')"))
        db.execute(text("DELETE FROM sessions WHERE \"key\" LIKE 'web:%'"))
    click("1", "Ваша розмова завершилася, тому почалася нова.")
    log = browser.find_element("id", "log").text
    assert log.startswith("Ваша розмова завершилася"), "said first, above the new welcome"
    assert "Записатися на зустріч" in browser.find_element("id", "choices").text
    assert "no such session" not in log
    click("1", "Яка зустріч вам потрібна?")  # the new conversation goes on

    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    click("1", "Зараз помічник недоступний.")
    assert "Failed to fetch" not in browser.find_element("id", "log").text


def _web_count(store, table: str) -> int:
    """How many rows of ``table`` (sessions or turns) belong to web conversations."""
    join = "" if table == "sessions" else " JOIN sessions ON sessions.id = turns.session_id"
    with store.engine.connect() as db:
        return db.execute(text(f"SELECT count(*) FROM {table}{join} "
                               "WHERE sessions.\"key\" LIKE 'web:%'")).scalar_one()


def _wait_for_log(browser, expect: str) -> None:
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 15).until(ec.text_to_be_present_in_element(("id", "log"), expect))


def test_the_page_sends_one_message_at_a_time(server: str, browser, store) -> None:
    """A second click, or a typed message, while a reply is on its way is not sent: the
    typed text stays in the box."""
    click = _ukrainian_page(server, browser)
    turns = _web_count(store, "turns")
    # All in one script, so the later ones certainly come while the first is on its way.
    browser.execute_script("""
        document.querySelector("#choices button[data-key='1']").click();
        document.querySelector("#commands button[data-command='menu']").click();
        document.getElementById("text").value = "Привіт";
        document.getElementById("form").requestSubmit();
    """)
    _wait_for_log(browser, "Яка зустріч вам потрібна?")
    assert _web_count(store, "turns") == turns + 1
    said = [p.text for p in browser.find_elements("css selector", "#log p.user")]
    assert said[-1] == "1. Записатися на зустріч"
    assert browser.find_element("id", "text").get_attribute("value") == "Привіт"
    click("menu", "Що ви хочете зробити?")  # and the page goes on


def test_a_reload_keeps_the_conversation(server: str, browser, store) -> None:
    click = _ukrainian_page(server, browser)
    click("1", "Яка зустріч вам потрібна?")
    turns = _web_count(store, "turns")
    browser.refresh()
    _wait_for_log(browser, "Яка зустріч вам потрібна?")
    assert browser.execute_script("return document.documentElement.lang") == "uk"
    assert _web_count(store, "sessions") == 1, "it went on with its conversation, not a new one"
    assert _web_count(store, "turns") == turns, "reading the conversation again is not a turn"
    click("7", "Якою мовою ви хочете провести зустріч?")


# The terminal at /tui draws on a canvas, so its text is not in the page: this script, run
# before the page's own, keeps what the server sends to the terminal for the test to read.
_KEEP_TERMINAL_OUTPUT = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.terminalOutput = "";
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer) {
          window.terminalOutput += decoder.decode(event.data, {stream: true});
        }
      });
    }
  };
})();
"""
_ANSI = re.compile(r"\x1b\[[0-9;?$]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")


def test_the_kiosk_tui_in_a_real_browser(tui_server: str, tui_app: Watched,
                                          browser) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                            {"source": _KEEP_TERMINAL_OUTPUT})
    wait = WebDriverWait(browser, 30)

    def screen_shows(text: str) -> None:
        wait.until(lambda b: text in _ANSI.sub("", b.execute_script(
            "return window.terminalOutput")), f"{text!r} never appeared in the terminal")

    browser.get(f"{tui_server}/tui")
    screen_shows("Choose language")
    assert browser.execute_script("return typeof window.terminalOutput") == "string"
    browser.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
    # Real key presses, through the page's terminal: Dansk has focus, two on is Українська.
    ActionChains(browser).send_keys(Keys.TAB, Keys.TAB, Keys.ENTER).perform()
    screen_shows("Записатися")
    assert not browser.execute_script("return document.body.classList.contains('-closed')")

    browser.get("about:blank")  # the citizen leaves: the kiosk behind the page is stopped
    wait.until(lambda _: tui_app.serving == 0, "the socket's kiosk was never stopped")
    assert tui_app.raised == []


def test_a_member_of_staff_takes_over_the_page_writes_and_hands_back(
        server: str, browser, store, content) -> None:
    """The citizen asks for a person on the page; a member of staff takes the conversation
    and writes: the page shows it by itself (it asks every few seconds); handed back, the
    assistant answers again."""
    from assistant.staff import add_staff
    from assistant.staffdesk import StaffDesk

    add_staff(store.engine, "AB", "Anne B", "4821")
    click = _ukrainian_page(server, browser)
    click("staff", "Як вам зручніше отримати допомогу?")
    click("1", "напише вам тут")
    desk = StaffDesk(content, store)
    [item] = desk.queue()
    assert desk.take(item.id, "AB")
    _wait_for_log(browser, "Anne B із центру зайнятості приєднується до розмови")
    desk.write(item.id, "AB", "Добрий день! Чим можу допомогти?")
    _wait_for_log(browser, "Добрий день! Чим можу допомогти?")
    staff_lines = browser.find_elements("css selector", "#log p.staff")
    assert [p.text for p in staff_lines][-1] == "Добрий день! Чим можу допомогти?"
    desk.hand_back(item.id, "AB")
    _wait_for_log(browser, "Тепер вам знову відповідає помічник")
    click("menu", "Що ви хочете зробити?")
