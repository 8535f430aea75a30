// Jobcenter Assistant web chat. Everything shown goes through textContent: nothing a user or
// the server sends is ever parsed as HTML.
//
// Accessibility (WCAG 2.1 AA): every message carries its own lang; the log is a live region,
// so a reply is heard while focus stays in the text box; a busy line (role=status) says when
// a reply is on its way; flow titles are headings; the page does not scroll on load, so the
// welcome and the language menu stay in view; a reload shows the conversation so far.
"use strict";
(function () {
  const log = document.getElementById("log");
  const choices = document.getElementById("choices");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  const busyLine = document.getElementById("busy");
  const langSelect = document.getElementById("lang");
  let session = sessionStorage.getItem("jobcenter-session");
  let ui = null; // the page's strings in the conversation's language, from the last reply
  let turn = 0; // the conversation's last turn the page has shown
  let staffMode = false; // a member of staff has the conversation, or one is awaited
  const NEWS_EVERY_MS = 3000;
  // Said when the server cannot be reached before it has sent any strings at all.
  const UNREACHABLE = "Ingen forbindelse. Prøv igen. / No connection. Please try again. / " +
    "Немає з'єднання. Спробуйте ще раз.";

  // A failed call: the API's error code, or "unavailable" (network, server, not JSON).
  class Failure extends Error {
    constructor(code) { super(code); this.code = code; }
  }

  function element(tag, cls, text, lang) {
    const e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    if (lang) { e.lang = lang; }
    return e;
  }

  function line(cls, text, lang) {
    const p = element("p", cls, text, lang || document.documentElement.lang);
    log.appendChild(p);
    return p;
  }

  // A booking confirmed: the code large, the time, meeting and how, what to do next, and
  // the calendar file.
  function confirmation(item, lang) {
    const card = element("section", "card confirmation", undefined, lang);
    const code = element("p", "code");
    code.append(element("span", "", item.code_label + ": "), element("strong", "", item.code));
    const rows = element("dl");
    for (const row of item.rows) {
      rows.append(element("dt", "", row.label), element("dd", "", row.value));
    }
    card.append(element("h2", "", item.heading), code, rows);
    for (const note of item.notes) { card.appendChild(element("p", "", note)); }
    if (item.calendar) {
      const a = element("a", "", item.calendar_label);
      a.href = item.calendar;
      a.setAttribute("download", item.code + ".ics");
      const p = element("p");
      p.appendChild(a);
      card.appendChild(p);
    }
    return card;
  }

  // Show ``items`` (a reply, in ``lang``) in the log; options only when ``offer`` is true.
  // Returns the first element added to the log.
  function show(items, lang, offer) {
    let first = null;
    const add = (e) => { log.appendChild(e); first = first || e; };
    if (offer) { choices.replaceChildren(); }
    for (const item of items) {
      if (item.type === "say" && item.tone === "title") {
        add(element("h2", "say title", item.text, lang));
      } else if (item.type === "say") {
        add(element("p", "say " + item.tone, item.text, item.lang || lang));
      } else if (item.type === "confirmation") {
        add(confirmation(item, lang));
      } else if (item.type === "card") {
        const card = element("section", "card", undefined, lang);
        card.append(element("h2", "", item.title), element("p", "", item.body));
        if (item.source) { card.appendChild(element("p", "source", item.source, lang)); }
        add(card);
      } else if (item.type === "choices" && offer && item.multi) {
        toggles(item.options, lang);
      } else if (item.type === "choices" && offer) {
        for (const option of item.options) {
          const b = element("button", "", option.key + ". " + option.label, lang);
          b.type = "button";
          b.dataset.key = option.key;
          b.addEventListener("click", () => send(option.key, b.textContent));
          choices.appendChild(b);
        }
      }
    }
    return first;
  }

  // A multiple-choice step: toggles (aria-pressed, and a mark that is not colour alone),
  // answered together with Done; a tap chooses, it sends nothing.
  function toggles(options, lang) {
    const mark = (b) => { b.firstChild.textContent = b.getAttribute("aria-pressed") === "true" ? "☑ " : "☐ "; };
    for (const option of options) {
      const b = element("button", "toggle", undefined, lang);
      b.type = "button";
      b.dataset.key = option.key;
      b.setAttribute("aria-pressed", "false");
      const box = element("span", "mark");
      box.setAttribute("aria-hidden", "true");
      b.append(box, document.createTextNode(option.key + ". " + option.label));
      mark(b);
      b.addEventListener("click", () => {
        b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
        mark(b);
      });
      choices.appendChild(b);
    }
    const done = element("button", "done", ui ? ui["Done: send my choices"] : "OK", lang);
    done.type = "button";
    done.dataset.key = "done";
    done.addEventListener("click", () => {
      const chosen = Array.from(choices.querySelectorAll("button.toggle[aria-pressed='true']"));
      if (chosen.length === 0) { return; }
      send(chosen.map((b) => b.dataset.key).join(", "),
           chosen.map((b) => b.textContent.slice(2)).join(", "));
    });
    choices.appendChild(done);
  }

  // The page's own labels and names, in the conversation's language.
  function label(data) {
    document.documentElement.lang = data.lang;
    langSelect.value = data.lang;
    if (!data.ui) { return; }
    ui = data.ui;
    document.getElementById("send").textContent = ui["Send"];
    input.placeholder = ui["Write here"];
    document.getElementById("text-label").textContent = ui["Write here"];
    document.getElementById("lang-label").textContent = ui["Language"];
    log.setAttribute("aria-label", ui["Conversation"]);
    choices.setAttribute("aria-label", ui["Options"]);
    document.getElementById("commands").setAttribute("aria-label", ui["Commands"]);
    const names = { back: "Back", menu: "Menu", staff: "Talk to staff", help: "Help" };
    for (const b of document.querySelectorAll("#commands button")) {
      b.textContent = ui[names[b.dataset.command]];
    }
  }

  // The question a reply asks, from its first element ``first`` on: its last prompt, else its
  // last title, else its first element (a confirmation card). Focusable by script only.
  function question(first) {
    let prompt = null, title = null;
    for (let e = first; e; e = e.nextElementSibling) {
      if (e.matches("p.say.prompt")) { prompt = e; }
      if (e.matches("h2.say.title")) { title = e; }
    }
    const q = prompt || title || first;
    q.tabIndex = -1;
    return q;
  }

  // On a small screen: the reply from its start, and below it what to act on next (its
  // options down to the last, else the text box), scrolled up as far as needed and no further.
  // When both do not fit, the reply's start wins: it is read from its top. (The text box is
  // not fixed to the screen's bottom: it would cover options and focus.)
  function reveal(first) {
    (choices.lastElementChild || form).scrollIntoView({ block: "nearest" });
    if (first.getBoundingClientRect().top < 0) { first.scrollIntoView({ block: "start" }); }
  }

  function track(data) {
    if (typeof data.turn === "number") { turn = Math.max(turn, data.turn); }
    staffMode = data.staff === true;
  }

  // A reply: shown from its start (a long answer is read from its top), with what to act on
  // next below it (``reveal``). Typed: focus stays in
  // the text box (the live region reads the reply out). ``tapped`` (an option or a command
  // button): focus goes to the new question, not to the text box, which on a phone would open
  // the keyboard over the options (WCAG 2.4.3). ``quiet``: on opening the page, nothing
  // scrolls and nothing takes focus.
  function render(data, quiet, tapped) {
    track(data);
    label(data);
    const first = show(data.reply, data.lang, true);
    if (!quiet) {
      if (first) { reveal(first); }
      if (tapped && first) { question(first).focus({ preventScroll: true }); }
      else { input.focus({ preventScroll: true }); }
    }
  }

  async function call(url, body) {
    let response, data;
    try {
      response = await fetch(url, {
        method: body === undefined ? "GET" : "POST",
        headers: { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      data = await response.json();
    } catch (e) {
      throw new Failure("unavailable");
    }
    if (!response.ok) {
      throw new Failure(data && data.error ? String(data.error.code) : "unavailable");
    }
    return data;
  }

  // Tell the user what went wrong, in their language (the API's own messages are English).
  function failed(e) {
    const code = e instanceof Failure ? e.code : "unavailable";
    const text = ui && (ui["error." + code] || ui["error.unavailable"]);
    line("say error", text || UNREACHABLE);
  }

  // A new conversation; ``notice`` (a key of the page's strings) is said above its welcome.
  async function start(lang, notice, quiet) {
    const site = (location.pathname.match(/^\/s\/([a-z0-9-]+)\//) || [])[1];
    const data = await call("/api/sessions", site ? { lang: lang, site: site } : { lang: lang });
    turn = 0;
    session = data.session;
    sessionStorage.setItem("jobcenter-session", session);
    log.replaceChildren();
    if (notice && data.ui) { line("say notice", data.ui[notice], data.lang); }
    render(data, quiet);
  }

  // ``failed``, in the language's words: the strings kept from the last reply, or else the
  // page's strings alone (when even they cannot be had, the three-language line).
  async function failedIn(lang, e) {
    if (!ui) { try { ui = (await call("/api/ui/" + lang)).strings; } catch (_) { /* none */ } }
    failed(e);
  }

  async function startOrSay(lang, notice, quiet) {
    try {
      await start(lang, notice, quiet);
    } catch (e) {
      await failedIn(lang, e);
    }
  }

  // One message at a time: what is clicked or sent meanwhile is not sent twice.
  let busy = false;

  function setBusy(on) {
    busy = on;
    log.setAttribute("aria-busy", on ? "true" : "false");
    busyLine.textContent = on && ui ? ui["One moment…"] : "";
    busyLine.classList.toggle("on", on);
  }

  // Send ``text``; the log shows ``shown`` (a button's whole label, not just its number).
  // Typed text is shown at once, then as the server kept it (``said``: a CPR number masked),
  // as a reload would show it: what was typed does not stay on a shared screen.
  async function send(text, shown) {
    if (busy) { return; }
    setBusy(true);
    const echo = line("user", shown || text);
    try {
      const data = await call("/api/sessions/" + encodeURIComponent(session) + "/messages",
                              { text: text });
      if (shown === undefined && typeof data.said === "string") { echo.textContent = data.said; }
      setBusy(false);
      if (data.ended) {
        // Finished ("afslut"): nothing of it stays on this page, which may be shared (its
        // name, phone and code): a new conversation starts, with the thanks above it.
        sessionStorage.removeItem("jobcenter-session");
        session = null;
        await startOrSay(data.lang, "Thank you for using the jobcenter assistant.");
        return;
      }
      render(data, false, shown !== undefined);
    } catch (e) {
      setBusy(false);
      if (e instanceof Failure && e.code === "no_session") {
        // The conversation was purged or erased: start again, and say so.
        sessionStorage.removeItem("jobcenter-session");
        session = null;
        await startOrSay(langSelect.value, "error.no_session");
      } else {
        failed(e);
      }
      // What the user wrote goes back in the box, to send again.
      if (shown === undefined && !input.value) { input.value = text; }
    } finally {
      setBusy(false);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text && !busy) {
      input.value = "";
      send(text);
    }
  });
  for (const b of document.querySelectorAll("#commands button")) {
    b.addEventListener("click", () => send(b.dataset.command, b.textContent));
  }
  // The language menu switches the conversation's language through its own call, never as
  // a message: "Dansk" sent as text would answer a step that offers Danish (a meeting's
  // language).
  async function switchLanguage(lang, name) {
    if (busy) { langSelect.value = document.documentElement.lang; return; }
    setBusy(true);
    line("user", "🌐 " + name, lang);
    try {
      const data = await call("/api/sessions/" + encodeURIComponent(session) + "/language",
                              { lang: lang });
      setBusy(false);
      render(data, false, true);
    } catch (e) {
      setBusy(false);
      if (e instanceof Failure && e.code === "no_session") {
        sessionStorage.removeItem("jobcenter-session");
        session = null;
        await startOrSay(lang, "error.no_session");
      } else {
        failed(e);
        langSelect.value = document.documentElement.lang;
      }
    } finally {
      setBusy(false);
    }
  }

  langSelect.addEventListener("change", () => {
    if (session) {
      switchLanguage(langSelect.value, langSelect.options[langSelect.selectedIndex].text);
    } else { startOrSay(langSelect.value); }
  });

  // After a reload: the conversation so far, each turn in its own language, then what is
  // asked now (its options).
  async function resume() {
    const path = "/api/sessions/" + encodeURIComponent(session);
    const past = await call(path + "/history");
    const now = await call(path);
    log.replaceChildren();
    for (const turn of past.turns) {
      if (turn.said) { line("user", turn.said, turn.lang); }
      show(turn.reply, turn.lang, false);
    }
    if (past.turns.length === 0) {
      render(now, true);
    } else {
      track(now);
      label(now);
      show(now.reply.filter((item) => item.type === "choices"), now.lang, true);
      const last = log.querySelectorAll("p.user");
      if (last.length) {
        last[last.length - 1].scrollIntoView({ block: "start" });
        // focus where the user goes on: the text box with a mouse and keyboard, the latest
        // question on a touch screen (no keyboard popping up over it)
        if (matchMedia("(pointer: fine)").matches) { input.focus({ preventScroll: true }); }
        else if (last[last.length - 1].nextElementSibling) {
          question(last[last.length - 1].nextElementSibling).focus({ preventScroll: true });
        }
      }
    }
  }

  // While a member of staff has the conversation (or is awaited), what they write arrives
  // without the citizen sending anything: ask for it every few seconds (no busy line: the
  // citizen is not waiting for a reply of their own).
  let polling = false;
  async function news() {
    if (!session || !staffMode || busy || polling) { return; }
    polling = true;
    try {
      const data = await call("/api/sessions/" + encodeURIComponent(session) + "/news?after=" +
                              turn);
      if (data.reply.length) { render(data); } else { track(data); }
    } catch (_) {
      // the next message or the next round says what is wrong
    } finally {
      polling = false;
    }
  }
  setInterval(news, NEWS_EVERY_MS);

  (async function () {
    const wanted = (navigator.language || "da").slice(0, 2);
    const lang = ["da", "en", "uk"].includes(wanted) ? wanted : "da";
    if (session) {
      try {
        await resume();
        return;
      } catch (e) {
        if (!(e instanceof Failure && e.code === "no_session")) {
          // Kept: the conversation is still there when the server answers again.
          await failedIn(lang, e);
          return;
        }
        sessionStorage.removeItem("jobcenter-session");
        session = null;
      }
    }
    await startOrSay(lang, undefined, true);
  })();
})();
