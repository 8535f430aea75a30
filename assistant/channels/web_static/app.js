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

  // A booking confirmed: the code large, the time, meeting and how, what to do next, and
  // the calendar file.
  function confirmation(item) {
    const card = document.createElement("section");
    card.className = "card confirmation";
    const h = document.createElement("h2");
    h.textContent = item.heading;
    const code = document.createElement("p");
    code.className = "code";
    const label = document.createElement("span");
    label.textContent = item.code_label + ": ";
    const value = document.createElement("strong");
    value.textContent = item.code;
    code.append(label, value);
    const rows = document.createElement("dl");
    for (const row of item.rows) {
      const dt = document.createElement("dt");
      dt.textContent = row.label;
      const dd = document.createElement("dd");
      dd.textContent = row.value;
      rows.append(dt, dd);
    }
    card.append(h, code, rows);
    for (const note of item.notes) {
      const p = document.createElement("p");
      p.textContent = note;
      card.appendChild(p);
    }
    if (item.calendar) {
      const a = document.createElement("a");
      a.href = item.calendar;
      a.textContent = item.calendar_label;
      a.setAttribute("download", item.code + ".ics");
      const p = document.createElement("p");
      p.appendChild(a);
      card.appendChild(p);
    }
    return card;
  }

  function render(data) {
    document.documentElement.lang = data.lang;
    langSelect.value = data.lang;
    choices.replaceChildren();
    for (const item of data.reply) {
      if (item.type === "say") {
        line("say " + item.tone, item.text);
      } else if (item.type === "confirmation") {
        log.appendChild(confirmation(item));
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
    const data = await call("/api/sessions", { lang: lang });
    session = data.session;
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
