"""A real browser (headless Chromium) completes a booking in Ukrainian on the web page, and
drives the kiosk TUI served at /tui. Every page state the web tests reach is checked with
axe-core 4 (vendored under tests/vendor/axe-core) against WCAG 2.1 A and AA: no violation.
What axe cannot see (reflow at 320 px, focus, language of parts, names, busy, history) is
checked by hand below."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import text

from assistant.channels.web import make_app

from .conftest import FIXED_OTP

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
"""axe-core 4.14.1 as npm ships it (see tests/vendor/axe-core/README.md)."""
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
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


def audit(browser, where: str) -> None:
    """Run axe-core's WCAG 2.0 and 2.1 A/AA rules on the page as it is now: no violation."""
    if not browser.execute_script("return typeof window.axe === 'object'"):
        source = AXE.read_bytes()
        assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "not the vendored axe-core"
        browser.execute_script(source.decode("utf-8"))
    assert browser.execute_script("return axe.version").startswith("4.")
    browser.set_script_timeout(60)
    found = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]},
                           resultTypes: ["violations"]})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))
          .catch(e => done([{id: "axe failed", help: String(e)}]));
    """, WCAG21_AA)
    assert found == [], f"{where}: {found}"


def phone_width(browser, width: int, height: int = 740) -> None:
    """The viewport of a phone ``width`` CSS pixels wide."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})


def test_booking_in_ukrainian_in_a_real_browser(server_on_either: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 15)
    browser.get(server_on_either)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#choices button")))
    Select(browser.find_element(By.ID, "lang")).select_by_value("uk")
    wait.until(ec.text_to_be_present_in_element((By.ID, "choices"), "Записатися на зустріч"))

    audit(browser, "the menu in Ukrainian")

    def click(key: str, expect: str) -> None:
        selector = (By.CSS_SELECTOR, f"#choices button[data-key='{key}']")
        wait.until(ec.element_to_be_clickable(selector)).click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "log"), expect))
        audit(browser, f"after {key!r}")

    def type_in(text: str, expect: str) -> None:
        box = browser.find_element(By.ID, "text")
        box.clear()
        box.send_keys(text)
        browser.find_element(By.ID, "send").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "log"), expect))
        audit(browser, f"after {text!r}")

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
    link = browser.find_element(By.CSS_SELECTOR, "#log .confirmation a[href$='.ics']")
    assert link.text == "Додати зустріч до свого календаря (файл .ics)"
    assert not browser.find_elements(
        By.XPATH, "//*[@id='log']/p[starts-with(., 'Dit møde er booket.')]"), \
        "no Danish copy for staff on a page no member of staff stands beside"
    card = browser.find_element(By.CSS_SELECTOR, "#log .confirmation")
    assert card.get_attribute("lang") == "uk"
    assert "українська (працівник володіє цією мовою)" in card.text
    # what next is a button, as after every other reply (not only "write menu")
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#choices button")]
    assert buttons == ["1. Меню"]
    click("1", "Що ви хочете зробити?")
    assert "1. Записатися на зустріч" in browser.find_element(By.ID, "choices").text


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
    audit(browser, "the page as it opens")
    Select(browser.find_element(By.ID, "lang")).select_by_value("uk")
    wait.until(ec.text_to_be_present_in_element((By.ID, "choices"), "Записатися на зустріч"))
    audit(browser, "the menu in Ukrainian")

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
        audit(browser, f"after {key!r}, saying {expect!r}")

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


def test_the_language_menu_changes_the_page_and_answers_no_step(server: str, browser) -> None:
    """At "which language for the meeting" the header's menu switches the page to Danish and
    the step is asked again in Danish: it is not answered with Danish."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    click = _ukrainian_page(server, browser)
    click("1", "Яка зустріч вам потрібна?")
    click("7", "Якою мовою ви хочете провести зустріч?")
    Select(browser.find_element(By.ID, "lang")).select_by_value("da")
    _wait_for_log(browser, "På hvilket sprog vil du holde mødet?")
    assert browser.execute_script("return document.documentElement.lang") == "da"
    said = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#log p.user")]
    assert said[-1] == "🌐 Dansk" and "Dansk" not in said
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#choices button")]
    assert buttons[:3] == ["1. Dansk", "2. Engelsk", "3. Ukrainsk"], "still asked"


def test_finish_leaves_nothing_to_reload_on_a_shared_device(server: str, browser,
                                                             store) -> None:
    """"Завершити" (Finish) ends the conversation: the page starts a new one at once, and a
    reload shows nothing of the old one (the name typed in it)."""
    from selenium.webdriver.common.by import By

    click = _ukrainian_page(server, browser)
    click("1", "Яка зустріч вам потрібна?")
    click("7", "Якою мовою ви хочете провести зустріч?")
    click("3", "Оберіть час.")
    click("1", "Як вас звати?")
    for said, expect in (("Ольга Петренко", "Який ваш номер телефону?"),
                         ("завершити", "Дякуємо, що скористалися помічником")):
        box = browser.find_element(By.ID, "text")
        box.send_keys(said)
        browser.find_element(By.ID, "send").click()
        _wait_for_log(browser, expect)
    assert "Ольга" not in browser.find_element(By.ID, "log").text
    assert browser.find_elements(By.CSS_SELECTOR, "#log p.user") == []
    assert browser.execute_script("return document.documentElement.lang") == "uk"
    browser.refresh()
    _wait_for_log(browser, "Що ви хочете зробити?")
    assert "Ольга" not in browser.find_element(By.ID, "log").text
    assert browser.find_elements(By.CSS_SELECTOR, "#log p.user") == []
    assert _web_count(store, "sessions") == 2, "a new conversation, not the finished one"


def test_a_reload_keeps_the_conversation(server: str, browser, store) -> None:
    click = _ukrainian_page(server, browser)
    click("1", "Яка зустріч вам потрібна?")
    turns = _web_count(store, "turns")
    browser.refresh()
    _wait_for_log(browser, "Яка зустріч вам потрібна?")
    assert browser.execute_script("return document.documentElement.lang") == "uk"
    assert _web_count(store, "sessions") == 1, "it went on with its conversation, not a new one"
    assert _web_count(store, "turns") == turns, "reading the conversation again is not a turn"
    said = [p.text for p in browser.find_elements("css selector", "#log p.user")]
    assert said == ["🌐 Українська", "1. Записатися на зустріч"], "what was said is still there"
    assert [h.text for h in browser.find_elements("css selector", "#log h2.title")] == [
        "Записатися на зустріч"]
    assert browser.find_element("css selector", "#log p.user").get_attribute("lang") == "uk"
    audit(browser, "after a reload")
    click("7", "Якою мовою ви хочете провести зустріч?")


def test_a_typed_cpr_number_is_masked_in_the_citizens_own_line(server: str, browser) -> None:
    """The line the page shows for what the citizen typed is what the server kept: a CPR
    number in it is masked at once, as after a reload, not left in clear on a shared
    screen."""
    from selenium.webdriver.common.by import By

    _ukrainian_page(server, browser)
    box = browser.find_element(By.ID, "text")
    box.send_keys("мій cpr 12 03 85 1234")
    browser.find_element(By.ID, "send").click()
    _wait_for_log(browser, "Будь ласка, не пишіть тут свій номер CPR.")

    def said() -> list[str]:
        return [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#log p.user")]

    assert said()[-1] == "мій cpr [CPR видалено]"
    assert "1234" not in browser.find_element(By.ID, "log").text
    browser.refresh()
    _wait_for_log(browser, "Будь ласка, не пишіть тут свій номер CPR.")
    assert said()[-1] == "мій cpr [CPR видалено]", "the same line after a reload"


def _page(server: str, browser, lang: str, width: int) -> tuple[
        Callable[[str], None], Callable[[str], None]]:
    """Open the page at ``width`` px in ``lang``; return functions that click an option (or a
    command) and type a message, each waiting for the reply, then checking the page with axe
    and that nothing is wider than the screen."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 15)
    phone_width(browser, width)
    browser.get(server)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#choices button")))

    def check(where: str) -> None:
        where = f"{lang} at {width} px, {where}"
        audit(browser, where)
        wide = browser.execute_script("return document.documentElement.scrollWidth")
        assert wide <= width, f"{where}: the page is {wide} px wide"

    def after(act: Callable[[], None], where: str) -> None:
        count = browser.execute_script("return document.getElementById('log').childElementCount")
        act()
        wait.until(lambda b: b.execute_script(
            "const log = document.getElementById('log');"
            "return log.childElementCount > arguments[0] + 1 && "
            "log.getAttribute('aria-busy') !== 'true'", count), f"no reply to {where}")
        check(where)

    check("as it opens")
    if lang != browser.execute_script("return document.documentElement.lang"):
        Select(browser.find_element(By.ID, "lang")).select_by_value(lang)
        wait.until(lambda b: b.execute_script(
            "return document.documentElement.lang === arguments[0] && "
            "document.getElementById('log').getAttribute('aria-busy') !== 'true'", lang))
        check("in its language")

    def click(key: str) -> None:
        selector = (By.CSS_SELECTOR, f"#choices button[data-key='{key}'], "
                                     f"#commands button[data-command='{key}']")
        after(lambda: wait.until(ec.element_to_be_clickable(selector)).click(), repr(key))

    def type_in(text: str) -> None:
        def send() -> None:
            box = browser.find_element(By.ID, "text")
            box.clear()
            box.send_keys(text)
            browser.find_element(By.ID, "send").click()

        after(send, repr(text))

    return click, type_in


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_every_page_state_passes_axe_in_every_language_at_phone_width(
        server: str, browser, lang: str, width: int) -> None:
    """A whole booking with its errors, a question, help and the menu: axe-core's WCAG 2.1
    A/AA rules find nothing, and the page is never wider than the phone."""
    click, type_in = _page(server, browser, lang, width)
    click("1")            # book: a flow title and a question
    type_in("99")         # an error
    click("7")            # the special law meeting
    click("3")            # in Ukrainian
    click("1")            # the first free time
    type_in("Olha Petrenko")
    type_in("123")        # not a phone number
    type_in("+380 50 123 4567")
    type_in(FIXED_OTP)    # the code texted to that number
    click("1")            # the confirmation card, with its calendar link
    assert browser.find_elements("css selector", "#log .confirmation a[href$='.ics']")
    click("help")
    click("menu")
    type_in("dagpenge")   # a knowledge answer
    click("menu")


def test_the_page_never_offers_check_in_which_is_only_at_the_kiosk(server: str,
                                                                    browser) -> None:
    """Not as the page opens, not after a new language, not after a reload."""
    from selenium.webdriver.support.ui import Select

    _page(server, browser, "da", 375)

    def offered() -> list[str]:
        return browser.execute_script(
            "return Array.from(document.querySelectorAll('#choices button'), b => b.textContent)")

    assert offered()[0] == "1. Book et møde" and not any("Tjek ind" in o for o in offered())
    Select(browser.find_element("id", "lang")).select_by_value("en")
    _wait_for_log(browser, "What would you like to do?")
    assert not any("Check in" in o for o in offered()) and "3. Change or cancel a booking" \
        in offered(), offered()
    browser.refresh()
    _wait_for_log(browser, "What would you like to do?")
    assert offered() and not any("Check in" in o for o in offered()), offered()


IN_VIEW = """
    const users = document.querySelectorAll('#log p.user');
    const box = (e) => e && e.getBoundingClientRect().toJSON();
    return {start: box(users[users.length - 1].nextElementSibling),
            text: box(document.getElementById('text')),
            yes: box(document.querySelector("#choices button[data-key='1']")),
            inner: window.innerHeight};"""


def test_on_a_phone_each_reply_starts_in_view_with_what_to_act_on_next(server: str,
                                                                      browser) -> None:
    """At 375 x 667: after each reply its start is in view, and so is the next thing to act
    on (the text box after a time is chosen, "Yes" under the summary after the code)."""
    click, type_in = _page(server, browser, "en", 375)
    phone_width(browser, 375, 667)

    def seen(where: str, wanted: str) -> None:
        at = browser.execute_script(IN_VIEW)
        assert 0 <= at["start"]["top"] < at["inner"], f"{where}: the reply starts out of view"
        assert 0 <= at[wanted]["top"] and at[wanted]["bottom"] <= at["inner"], \
            f"{where}: {wanted} is out of view: {at}"

    click("1")            # book
    click("7")            # the special law meeting
    click("3")            # in Ukrainian
    seen("the free times", "yes")
    click("1")            # the first free time
    seen("after choosing a time", "text")
    assert browser.execute_script("return document.activeElement.textContent").startswith(
        "What is your name?"), "a tap still puts focus on the new question"
    type_in("Olha Petrenko")
    type_in("22334455")
    type_in(FIXED_OTP)    # the summary: is this right?
    seen("the summary after the code", "yes")
    assert browser.execute_script("return document.activeElement.id") == "text", \
        "typed: focus stays in the text box"
    assert "Is this right?" in browser.find_element("id", "log").text


@pytest.mark.parametrize(("lang", "name"), [("da", "Sprog"), ("en", "Language"),
                                             ("uk", "Мова")])
def test_the_language_menu_has_a_label_that_is_seen_in_the_pages_language(
        server: str, browser, lang: str, name: str) -> None:
    _page(server, browser, lang, 320)
    label = browser.execute_script("""
        window.scrollTo(0, 0);  // the header, where the page opens
        const label = document.querySelector("label[for='lang']");
        const r = label.getBoundingClientRect();
        return {text: label.textContent.trim(), width: r.width, height: r.height,
                clip: getComputedStyle(label).clip, top: r.top,
                select: document.getElementById('lang').labels.length};""")
    assert label["text"].endswith(name) and label["select"] == 1, label
    assert label["width"] > 20 and label["height"] > 10 and label["top"] >= 0, label
    assert label["clip"] in ("auto", ""), "not hidden away"


def test_the_axe_check_finds_what_it_should(server: str, browser) -> None:
    """The check can fail: an unnamed button and an image without text are violations."""
    _ukrainian_page(server, browser)
    browser.execute_script(
        "const b = document.createElement('button'); document.querySelector('main').append(b);"
        "const i = document.createElement('img'); i.src = 'data:,'; b.after(i);")
    with pytest.raises(AssertionError) as found:
        audit(browser, "a broken page")
    assert "button-name" in str(found.value) and "image-alt" in str(found.value)


def test_a_multiple_choice_step_is_toggles_sent_with_done(server: str, browser) -> None:
    """On a touch screen too: a tap chooses (aria-pressed, a mark), Done sends them all."""
    click, _ = _page(server, browser, "en", 375)
    for key in ["4", "1", "2", "3", "1", "1", "2"]:
        click(key)
    toggles = browser.find_elements("css selector", "#choices button.toggle")
    assert [b.text for b in toggles][:2] == ["☐ 1. Danish", "☐ 2. Maths"]
    turns = browser.execute_script("return document.querySelectorAll('#log p.user').length")
    toggles[1].click()
    toggles[2].click()
    assert [b.get_attribute("aria-pressed") for b in toggles][:3] == ["false", "true", "true"]
    assert toggles[1].text == "☑ 2. Maths"
    assert browser.execute_script(
        "return document.querySelectorAll('#log p.user').length") == turns, "nothing sent"
    audit(browser, "toggles with two chosen")
    click("done")
    said = [p.text for p in browser.find_elements("css selector", "#log p.user")]
    assert said[-1] == "2. Maths, 3. IT"
    assert "you may be able to become an adult apprentice" in browser.find_element(
        "id", "log").text


def _contrast(first: str, second: str) -> float:
    """WCAG 2.1 contrast of two CSS rgb()/rgba() colours."""
    def luminance(css: str) -> float:
        red, green, blue = (int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])

        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_at_320_px_the_page_opens_at_its_top_and_nothing_is_cut(server: str, browser) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    phone_width(browser, 320, 568)
    browser.get(server)
    WebDriverWait(browser, 15).until(lambda b: b.find_elements("css selector", "#choices button"))
    seen = browser.execute_script("""
        const box = (id) => document.getElementById(id).getBoundingClientRect();
        return {y: window.scrollY, wide: document.documentElement.scrollWidth,
                lang: box("lang"), send: box("send"), log: box("log"), text: box("text"),
                inner: window.innerHeight};""")
    assert seen["y"] == 0, "the welcome and the language menu are not scrolled away"
    assert seen["wide"] <= 320
    assert 0 <= seen["lang"]["top"] and seen["lang"]["bottom"] <= seen["inner"]
    assert seen["log"]["top"] < seen["inner"], "the welcome is in view"
    assert seen["send"]["right"] <= 320 and seen["send"]["width"] >= 44
    assert seen["text"]["width"] >= 120


def test_focus_is_seen_and_stays_in_the_box_while_replies_are_read_out(server: str,
                                                                        browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    click = _ukrainian_page(server, browser)
    box = browser.find_element(By.ID, "text")
    box.click()
    ring = browser.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, s.outlineWidth, s.outlineColor];")
    assert ring[0] == "solid" and float(ring[1].removesuffix("px")) >= 2
    assert _contrast(ring[2], "rgb(255, 255, 255)") >= 3, ring
    browser.find_element(By.ID, "lang").send_keys(Keys.NULL)  # the header's select
    header = browser.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [document.activeElement.id, s.outlineColor,"
        " getComputedStyle(document.querySelector('header')).backgroundColor];")
    assert header[0] == "lang" and _contrast(header[1], header[2]) >= 3, header

    box.send_keys("меню", Keys.ENTER)
    _wait_for_log(browser, "Що ви хочете зробити?")
    assert browser.execute_script("return document.activeElement.id") == "text"
    # a tap: focus on the new question (the text box would open a phone's keyboard)
    click("1", "Яка зустріч вам потрібна?")
    focused = browser.execute_script(
        "const e = document.activeElement; return [e.tagName, e.textContent, e.tabIndex,"
        " e.closest('#log') !== null];")
    assert focused == ["P", "Яка зустріч вам потрібна?", -1, True], focused
    # typed: focus stays in the text box
    box.send_keys("2", Keys.ENTER)
    _wait_for_log(browser, "Це ваша перша розмова про роботу")
    assert browser.execute_script("return document.activeElement.id") == "text"
    # a reload: focus in the text box (a mouse and keyboard) or on the latest question (a
    # touch screen), not nowhere
    browser.refresh()
    _wait_for_log(browser, "Це ваша перша розмова про роботу")
    WebDriverWait(browser, 10).until(lambda b: b.execute_script(
        "const e = document.activeElement; return e.id === 'text' ||"
        " (e.closest('#log') !== null && e.textContent.startsWith('Це ваша перша розмова'))"),
        "focus after a reload: " + str(browser.execute_script(
            "return [document.activeElement.tagName, matchMedia('(pointer: fine)').matches]")))
    log = browser.find_element(By.ID, "log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"


def test_each_message_keeps_its_language_and_the_page_names_its_parts(server: str,
                                                                       browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    click = _ukrainian_page(server, browser)
    click("1", "Яка зустріч вам потрібна?")
    Select(browser.find_element(By.ID, "lang")).select_by_value("da")
    _wait_for_log(browser, "Hvilken slags møde har du brug for?")
    langs = browser.execute_script(
        "return Array.from(document.querySelectorAll('#log > *'), e => [e.lang, e.textContent])")
    said = {text: lang for lang, text in langs}
    assert said["Яка зустріч вам потрібна?"] == "uk"
    assert said["Hvilken slags møde har du brug for?"] == "da"
    assert all(lang in ("da", "en", "uk") for lang, _ in langs)
    titles = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#log h2.title")]
    assert titles == ["Записатися на зустріч", "Book et møde"], "flow titles are headings"
    names = {element: browser.find_element(By.ID, element).get_attribute("aria-label")
             for element in ("log", "choices", "commands")}
    assert names == {"log": "Samtale", "choices": "Valgmuligheder", "commands": "Kommandoer"}
    assert browser.find_element(By.ID, "choices").get_attribute("role") == "group"


def test_a_busy_line_while_a_reply_comes_and_typed_text_survives_an_error(server: str,
                                                                          browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _ukrainian_page(server, browser)
    busy = browser.execute_script("""
        document.querySelector("#choices button[data-key='1']").click();
        return [document.getElementById("busy").textContent,
                document.getElementById("log").getAttribute("aria-busy")];""")
    assert busy == ["Хвилинку …", "true"]
    _wait_for_log(browser, "Яка зустріч вам потрібна?")
    assert browser.find_element(By.ID, "busy").text == ""

    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    browser.find_element(By.ID, "text").send_keys("Коли моя зустріч?", Keys.ENTER)
    _wait_for_log(browser, "Зараз помічник недоступний.")
    assert browser.find_element(By.ID, "text").get_attribute("value") == "Коли моя зустріч?"


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
    audit(browser, "the kiosk at /tui")

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
