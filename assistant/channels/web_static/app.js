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

  function line(cls, text) {
    const p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    log.appendChild(p);
  }

  function render(data) {
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
          b.addEventListener("click", () => send(option.key));
          choices.appendChild(b);
        }
      }
    }
    if (data.ui) {
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
    const response = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) { throw new Error(data.error ? data.error.message : response.status); }
    return data;
  }

  async function start(lang) {
    const data = await call("/api/sessions", { lang: lang });
    session = data.session;
    sessionStorage.setItem("jobcenter-session", session);
    log.replaceChildren();
    render(data);
  }

  async function send(text) {
    line("user", text);
    try {
      render(await call("/api/sessions/" + encodeURIComponent(session) + "/messages",
                        { text: text }));
    } catch (e) {
      line("say error", String(e.message || e));
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    input.value = "";
    if (text) { send(text); }
  });
  for (const b of document.querySelectorAll("#commands button")) {
    b.addEventListener("click", () => send(b.dataset.command));
  }
  langSelect.addEventListener("change", () => {
    if (session) { send(langSelect.options[langSelect.selectedIndex].text); }
    else { start(langSelect.value); }
  });

  (async function () {
    if (session) {
      try { render(await call("/api/sessions/" + encodeURIComponent(session))); return; }
      catch (e) { sessionStorage.removeItem("jobcenter-session"); }
    }
    const wanted = (navigator.language || "da").slice(0, 2);
    await start(["da", "en", "uk"].includes(wanted) ? wanted : "da");
  })();
})();
