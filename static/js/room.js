// The rooms by keyboard and screen reader (templates/sessions/_keyboard.html lists the keys).
// 1-6 choose a keypoint, c / p / m mark it and choose the next; a, r, n, f and ? are the
// data-shortcut elements that app.js clicks. A polite live region announces a new question, each
// mark once it is saved, and the timer's warnings. No key acts while the person types in a field.
(function () {
  "use strict";

  var MARKS = { c: "covered", p: "partial", m: "missed" };

  function typing(target) {
    if (!target || !target.closest) { return false; }
    if (target.closest("textarea, select, [contenteditable]")) { return true; }
    var input = target.closest("input");
    return !!input && !/^(radio|checkbox|button|submit|reset)$/.test(input.type);
  }

  // One message at a time: a newer one replaces one still waiting (a mark saved while the new
  // question waits to be announced is what the person wants to hear).
  var pending = null;
  function announce(text, delay) {
    var region = document.getElementById("room-announcer");
    if (!region) { return; }
    window.clearTimeout(pending);
    region.textContent = "";
    // A moment empty, then the text: screen readers announce a change, even to the same words.
    pending = window.setTimeout(function () { region.textContent = text; }, delay || 100);
  }

  // --- keypoints: choose one, mark it ---------------------------------------------------------

  function keypoints() {
    return Array.prototype.slice.call(document.querySelectorAll(".mark-list fieldset.mark"));
  }

  function chosenIndex(list) {
    var active = document.activeElement;
    for (var i = 0; i < list.length; i++) {
      if (list[i].contains(active)) { return i; }
    }
    for (var j = 0; j < list.length; j++) {
      if (list[j].classList.contains("chosen")) { return j; }
    }
    return 0;
  }

  function choose(list, index) {
    list.forEach(function (fieldset, i) { fieldset.classList.toggle("chosen", i === index); });
    var fieldset = list[index];
    var radio = fieldset.querySelector("input[type=radio]:checked") || fieldset.querySelector("input[type=radio]");
    if (radio) { radio.focus(); }
  }

  function markChosen(list, value) {
    var index = chosenIndex(list);
    var radio = list[index].querySelector('input[type=radio][value="' + value + '"]');
    if (!radio) { return; }
    radio.focus();
    radio.click(); // checks it and fires "change" (only if it changed), which posts the form through htmx
    if (index + 1 < list.length) { choose(list, index + 1); } else { choose(list, index); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    if (document.querySelector("dialog[open]")) { return; }
    if (typing(event.target)) {
      // Escape leaves a text box, so the shortcuts work again (the text stays, and is saved).
      if (event.key === "Escape" && document.getElementById("shortcuts-dialog")) { event.target.blur(); }
      return;
    }
    var list = keypoints();
    if (!list.length) { return; }
    if (/^[1-9]$/.test(event.key) && Number(event.key) <= list.length) {
      event.preventDefault();
      choose(list, Number(event.key) - 1);
    } else if (MARKS[event.key]) {
      event.preventDefault();
      markChosen(list, MARKS[event.key]);
    }
  });

  // Each saved mark is announced: "Keypoint 2: Partly covered. Saved."
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    var fieldset = form && form.closest && form.closest(".mark-list fieldset.mark");
    if (!fieldset || !event.detail.successful) { return; }
    var checked = fieldset.querySelector("input[type=radio]:checked");
    var label = checked && checked.closest("label");
    var what = label ? label.textContent.trim() : "Unmarked";
    announce("Keypoint " + (keypoints().indexOf(fieldset) + 1) + ": " + what + ". Saved.");
  });

  // "Submit answer" (r) pressed right after typing: the form carries the text, so an autosave still
  // waiting for its delay, or in flight, cannot lose the last words (the server saves it first).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var box = document.getElementById("answer-text");
    if (!box || !form.querySelector || !form.querySelector("#submit-answer")) { return; }
    var field = form.querySelector("input[name=text]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "text";
      form.appendChild(field);
    }
    field.value = box.value;
    delete box.dataset.dirty; // nothing left for the page-hide beacon to send
  });

  // --- the list of shortcuts, in a modal dialog -----------------------------------------------

  function initDialog() {
    var dialog = document.getElementById("shortcuts-dialog");
    var opener = document.getElementById("shortcuts-open");
    if (!dialog || !opener || !dialog.showModal) { return; }
    var returnTo = null;
    opener.hidden = false;
    opener.addEventListener("click", function () {
      if (dialog.open) { return; }
      returnTo = document.activeElement;
      dialog.showModal(); // moves focus in; Escape closes it
    });
    dialog.addEventListener("close", function () {
      var target = returnTo && document.contains(returnTo) && returnTo !== document.body ? returnTo : opener;
      target.focus();
    });
  }

  // --- announcements: a new question, the timer's warnings ------------------------------------

  function announceQuestion() {
    var region = document.getElementById("room-announcer");
    if (!region || !region.dataset.position) { return; }
    var key = "interviewprep.question." + region.dataset.session;
    try {
      if (window.sessionStorage.getItem(key) === region.dataset.position) { return; } // a reload, not a new question
      window.sessionStorage.setItem(key, region.dataset.position);
    } catch (e) { /* no storage: announce every time */ }
    announce(region.dataset.question, 500); // after the page settles, so screen readers hear it
  }

  // Timers with a limit warn once, a minute before the end and at the end. Warnings already passed
  // when the page opens (a reload) are not repeated.
  function watchTimers() {
    document.querySelectorAll(".timer[data-started][data-limit]").forEach(function (el) {
      var started = Date.parse(el.dataset.started);
      if (isNaN(started)) { return; }
      var left = Number(el.dataset.limit) * 60 - (Date.now() - started) / 1000;
      var stage = left <= 0 ? "over" : left <= 60 ? "minute" : "running";
      var before = el.dataset.warned;
      el.dataset.warned = stage;
      if (!before || before === stage) { return; }
      if (stage === "minute") { announce("One minute left on this question."); }
      if (stage === "over") { announce("Time is up for this question."); }
    });
  }

  function init() {
    initDialog();
    announceQuestion();
    watchTimers();
    window.setInterval(watchTimers, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
