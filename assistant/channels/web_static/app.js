// Jobcenter Assistant web chat. Everything shown goes through textContent: nothing a user or
// the server sends is ever parsed as HTML.
"use strict";
(function () {
  const log = document.getElementById("log");
  const choices = document.getElementById("choices");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
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

  function line(cls, text) {
    const p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    log.appendChild(p);
  }

  function render(data) {
    if (typeof data.turn === "number") { turn = Math.max(turn, data.turn); }
    staffMode = data.staff === true;
    document.documentElement.lang = data.lang;
    langSelect.value = data.lang;
    choices.replaceChildren();
    for (const item of data.reply) {
      if (item.type === "say") {
        line("say " + item.tone, item.text);
      } else if (item.type === "card") {
        const div = document.createElement("section");
        div.className = "card";
        const h = document.createElement("h2");
        h.textContent = item.title;
        const body = document.createElement("p");
        body.textContent = item.body;
        div.append(h, body);
        log.appendChild(div);
      } else if (item.type === "choices") {
        for (const option of item.options) {
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = option.key + ". " + option.label;
          b.dataset.key = option.key;
          b.addEventListener("click", () => send(option.key, b.textContent));
          choices.appendChild(b);
        }
      }
    }
    if (data.ui) {
      ui = data.ui;
      document.getElementById("send").textContent = data.ui["Send"];
      input.placeholder = data.ui["Write here"];
      document.getElementById("text-label").textContent = data.ui["Write here"];
      for (const b of document.querySelectorAll("#commands button")) {
        const names = { back: "Back", menu: "Menu", staff: "Talk to staff", help: "Help" };
        b.textContent = data.ui[names[b.dataset.command]];
      }
    }
    window.scrollTo(0, document.body.scrollHeight);
    const first = choices.querySelector("button");
    (first || input).focus();
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
  async function start(lang, notice) {
    const site = (location.pathname.match(/^\/s\/([a-z0-9-]+)\//) || [])[1];
    const data = await call("/api/sessions", site ? { lang: lang, site: site } : { lang: lang });
    session = data.session;
    turn = 0;
    sessionStorage.setItem("jobcenter-session", session);
    log.replaceChildren();
    if (notice && data.ui) { line("say notice", data.ui[notice]); }
    render(data);
  }

  // ``failed``, in the language's words: the strings kept from the last reply, or else the
  // page's strings alone (when even they cannot be had, the three-language line).
  async function failedIn(lang, e) {
    if (!ui) { try { ui = (await call("/api/ui/" + lang)).strings; } catch (_) { /* none */ } }
    failed(e);
  }

  async function startOrSay(lang, notice) {
    try {
      await start(lang, notice);
    } catch (e) {
      await failedIn(lang, e);
    }
  }

  // One message at a time: what is clicked or sent meanwhile is not sent twice.
  let busy = false;

  // Send ``text``; the log shows ``shown`` (a button's whole label, not just its number).
  async function send(text, shown) {
    if (busy) { return; }
    busy = true;
    line("user", shown || text);
    try {
      render(await call("/api/sessions/" + encodeURIComponent(session) + "/messages",
                        { text: text }));
    } catch (e) {
      if (e instanceof Failure && e.code === "no_session") {
        // The conversation was purged or erased: start again, and say so. What the user
        // wrote goes back in the box, to send to the new conversation.
        sessionStorage.removeItem("jobcenter-session");
        session = null;
        await startOrSay(langSelect.value, "error.no_session");
        if (shown === undefined && !input.value) { input.value = text; }
      } else {
        failed(e);
      }
    } finally {
      busy = false;
    }
  }

  // While a member of staff has the conversation (or is awaited), what they write arrives
  // without the citizen sending anything: ask for it every few seconds.
  async function news() {
    if (!session || !staffMode || busy) { return; }
    busy = true;
    try {
      const data = await call("/api/sessions/" + encodeURIComponent(session) + "/news?after=" +
                              turn);
      if (data.reply.length) { render(data); }
      else { turn = Math.max(turn, data.turn); staffMode = data.staff === true; }
    } catch (_) {
      // the next message or the next round says what is wrong
    } finally {
      busy = false;
    }
  }
  setInterval(news, NEWS_EVERY_MS);

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
  langSelect.addEventListener("change", () => {
    if (session) { send(langSelect.options[langSelect.selectedIndex].text); }
    else { startOrSay(langSelect.value); }
  });

  (async function () {
    const wanted = (navigator.language || "da").slice(0, 2);
    const lang = ["da", "en", "uk"].includes(wanted) ? wanted : "da";
    if (session) {
      try {
        render(await call("/api/sessions/" + encodeURIComponent(session)));
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
    await startOrSay(lang);
  })();
})();
