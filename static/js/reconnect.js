// When the server cannot be reached, or answers that its database is away (503), the page says
// "Reconnecting…" instead of an error, keeps what was typed in autosaved boxes, checks /healthz
// every two seconds, and saves the kept text as soon as the server answers again.
(function () {
  "use strict";

  var CHECK_EVERY_MS = 2000;
  var down = false;
  var timer = null;

  function banner() {
    var el = document.getElementById("connection-state");
    if (!el) {
      el = document.createElement("p");
      el.id = "connection-state";
      el.className = "message message-error connection-state";
      el.setAttribute("role", "status");
      el.hidden = true;
      var main = document.getElementById("main") || document.body;
      main.insertBefore(el, main.firstChild);
    }
    return el;
  }

  function outage(detail) {
    if (detail.xhr && detail.xhr.status) {
      return detail.xhr.status === 502 || detail.xhr.status === 503 || detail.xhr.status === 504;
    }
    return true; // no answer at all
  }

  function saveState(el, text) {
    var form = el.closest("form");
    var state = form && form.querySelector("[role=status]");
    if (state) { state.textContent = text; state.classList.add("error"); }
  }

  function check() {
    fetch("/healthz", { cache: "no-store", credentials: "same-origin" }).then(function (response) {
      if (response.ok) { reconnected(); } else { timer = setTimeout(check, CHECK_EVERY_MS); }
    }, function () { timer = setTimeout(check, CHECK_EVERY_MS); });
  }

  function lost() {
    var el = banner();
    if (!down) {
      down = true;
      el.textContent = "Reconnecting… The server is not answering. What you type is kept here and saved when it is back.";
      el.hidden = false;
      timer = setTimeout(check, CHECK_EVERY_MS);
    }
  }

  function reconnected() {
    if (!down) { return; }
    down = false;
    clearTimeout(timer);
    var el = banner();
    el.textContent = "Reconnected.";
    el.classList.remove("message-error");
    setTimeout(function () { if (!down) { el.hidden = true; el.textContent = ""; el.classList.add("message-error"); } }, 3000);
    document.querySelectorAll("[data-autosave][data-dirty]").forEach(function (box) { htmx.trigger(box, "autosave-retry"); });
  }

  function onFailure(event) {
    if (!outage(event.detail)) { return; }
    // Handled here: the generic "something went wrong" message (app.js) is not for an outage.
    event.stopPropagation();
    var el = event.detail.elt;
    if (el && el.hasAttribute && el.hasAttribute("data-autosave")) {
      el.dataset.dirty = "1";
      saveState(el, "Not saved yet: reconnecting. Your text is kept here.");
    }
    lost();
  }

  // On <html>, so these run before the listeners on document (app.js) and can stop them.
  document.documentElement.addEventListener("htmx:sendError", onFailure);
  document.documentElement.addEventListener("htmx:responseError", onFailure);
  document.documentElement.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { reconnected(); }
  });
  document.addEventListener("DOMContentLoaded", banner);
})();
