// Small behaviours on top of htmx. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // After a fragment is swapped in, move focus where the server asked (data-autofocus),
  // so keyboard users keep their place when rows are added, removed or moved.
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

  function initAll(root) {
    (root || document).querySelectorAll("[data-reorder-form]").forEach(initSortable);
  }
  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:load", function (event) { initAll(event.detail.elt.parentNode || document); });
})();
