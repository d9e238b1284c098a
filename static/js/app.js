// Small behaviours on top of htmx. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // After a fragment is swapped in, move focus where the server asked (data-autofocus),
  // so keyboard users keep their place when rows are added, removed or moved.
  function focusRequested() {
    var el = document.querySelector("[data-autofocus]");
    if (el) {
      el.removeAttribute("data-autofocus");
      el.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", focusRequested);
  document.addEventListener("htmx:afterSettle", function () {
    var el = document.querySelector("[data-autofocus]");
    if (el) {
      el.removeAttribute("data-autofocus");
      el.focus();
    }
  });

  // Drag and drop reordering of a list: <ol data-reorder-form="form-id"> with <li data-id=...>.
  // On drop the new order goes into the form's "order" field and the form is submitted
  // (through htmx when it is there). Up/down buttons do the same work without a mouse.
  function initSortable(list) {
    if (list.dataset.sortableReady) { return; }
    list.dataset.sortableReady = "1";
    var dragged = null;
    list.querySelectorAll("li[data-id]").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (e) {
        dragged = item;
        item.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", item.dataset.id);
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("dragging");
        dragged = null;
      });
      item.addEventListener("dragover", function (e) {
        if (!dragged || dragged === item) { return; }
        e.preventDefault();
        var rect = item.getBoundingClientRect();
        var after = e.clientY > rect.top + rect.height / 2;
        list.insertBefore(dragged, after ? item.nextSibling : item);
      });
    });
    list.addEventListener("drop", function (e) {
      e.preventDefault();
      var form = document.getElementById(list.dataset.reorderForm);
      if (!form) { return; }
      var ids = Array.prototype.map.call(list.querySelectorAll("li[data-id]"), function (li) { return li.dataset.id; });
      form.querySelector("input[name=order]").value = ids.join(",");
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  }


  // Timers: <span class="timer" data-started="ISO" data-limit="minutes">.
  function tick() {
    document.querySelectorAll(".timer[data-started]").forEach(function (el) {
      var started = Date.parse(el.dataset.started);
      if (isNaN(started)) { return; }
      var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
      var text = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      if (el.dataset.limit) {
        text += " / " + el.dataset.limit + ":00";
        el.classList.toggle("over", seconds > Number(el.dataset.limit) * 60);
      }
      el.textContent = text;
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);

  // Autosaved text boxes: say when a save failed, and try again when the network is back.
  function saveState(el, text, bad) {
    var form = el.closest("form");
    var state = form && form.querySelector("[role=status]");
    if (state) {
      state.textContent = text;
      state.classList.toggle("error", !!bad);
    }
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.detail.elt;
    if (el.hasAttribute && el.hasAttribute("data-autosave")) { el.dataset.dirty = "1"; saveState(el, "Saving…"); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail.elt;
    if (el.hasAttribute && el.hasAttribute("data-autosave") && event.detail.successful) { delete el.dataset.dirty; }
  });
  document.addEventListener("htmx:sendError", function (event) {
    var el = event.detail.elt;
    if (el.hasAttribute && el.hasAttribute("data-autosave")) {
      saveState(el, "Not saved: the connection is down. Your text is kept here and saved when it is back.", true);
    }
  });
  // Text typed before htmx had set the box up (the page still loading on a slow connection) fired no
  // input event that htmx heard: once it has, a box whose text is not the page's own is saved.
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail.elt;
    var boxes = root.matches && root.matches("[data-autosave]") ? [root] : root.querySelectorAll ? root.querySelectorAll("[data-autosave]") : [];
    Array.prototype.forEach.call(boxes, function (el) {
      if (el.value !== el.defaultValue) { htmx.trigger(el, "autosave-retry"); }
    });
  });
  window.addEventListener("online", function () {
    document.querySelectorAll("[data-autosave][data-dirty]").forEach(function (el) { htmx.trigger(el, "autosave-retry"); });
  });
  setInterval(function () {
    if (!navigator.onLine) { return; }
    document.querySelectorAll("[data-autosave][data-dirty]").forEach(function (el) {
      if (!el.dataset.inflight) { htmx.trigger(el, "autosave-retry"); }
    });
  }, 10000);

  // A refused change (409 and other errors) is shown, not swallowed.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = xhr.status === 409 || xhr.status === 400 ? xhr.responseText : "Something went wrong (" + xhr.status + "). Reload the page and try again.";
    var el = event.detail.elt;
    if (el.hasAttribute && el.hasAttribute("data-autosave")) { saveState(el, text, true); return; }
    var box = document.getElementById("messages");
    if (box) {
      var item = document.createElement("p");
      item.className = "message message-error";
      item.setAttribute("role", "alert");
      item.textContent = text;
      box.appendChild(item);
    }
  });

  // Flush an unsaved answer when the page goes away (the room moves on, or the tab closes).
  window.addEventListener("pagehide", function () {
    document.querySelectorAll("[data-autosave][data-dirty]").forEach(function (el) {
      var form = el.closest("form");
      if (!form || !navigator.sendBeacon) { return; }
      navigator.sendBeacon(el.getAttribute("hx-post"), new FormData(form));
    });
  });

  // Single-key shortcuts: an element with data-shortcut="k" is clicked when k is pressed outside a
  // text field (e.g. "a" accepts all suggestions) and no dialog is open. The key is also in its
  // aria-keyshortcuts. Radio buttons and checkboxes are not text fields: a keypoint's marks keep them.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var target = event.target;
    var input = target.closest && target.closest("input");
    if (input && !/^(radio|checkbox|button|submit|reset)$/.test(input.type)) { return; }
    if (target.closest && target.closest("textarea, select, [contenteditable]")) { return; }
    if (document.querySelector("dialog[open]") || event.key.length !== 1) { return; }
    var el = document.querySelector('[data-shortcut="' + CSS.escape(event.key) + '"]');
    if (el) { event.preventDefault(); el.click(); }
  });

  function initAll(root) {
    (root || document).querySelectorAll("[data-reorder-form]").forEach(initSortable);
  }
  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:load", function (event) { initAll(event.detail.elt.parentNode || document); });
})();

// The browser's time zone, sent once per browser after logging in (the log-out form is there), so
// times show in the user's zone from the first visit. The server keeps a zone the user chose on
// the account page; this only fills in one that is not set.
(function () {
  "use strict";
  var KEY = "interviewprep.timeZoneSent";
  function sendTimeZone() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (!zone || window.localStorage.getItem(KEY) === zone) { return; }
    } catch (e) { return; }
    if (!document.querySelector('form[action$="/accounts/logout/"]')) { return; }
    var headers = {};
    try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }
    var body = new FormData();
    body.append("time_zone", zone);
    fetch("/accounts/time-zone/", { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) { window.localStorage.setItem(KEY, zone); }
      })
      .catch(function () { /* offline: try again on the next page */ });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sendTimeZone);
  } else {
    sendTimeZone();
  }
})();
