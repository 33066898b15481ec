/* The pages' few behaviours, as listeners on the document (no inline handlers: the
   Content-Security-Policy allows scripts from files only). Turbo swaps the body, so the
   listeners live on the document and are installed once. */
(function () {
  if (window.vanbanInstalled) return;
  window.vanbanInstalled = true;

  // The draft form's "whole group" ticks: shown only where this script runs; without it
  // each member is ticked on its own and the form means the same.
  function groupBoxes(group) {
    return Array.prototype.slice.call(group.querySelectorAll(".vb-group__members input[type=checkbox]"));
  }
  function syncGroup(group) {
    var all = group.querySelector("input[data-group-all]");
    if (!all) return;
    var boxes = groupBoxes(group);
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  function installGroups() {
    document.querySelectorAll(".vb-group[data-group]").forEach(function (group) {
      var holder = group.querySelector(".vb-group__all");
      if (holder) holder.hidden = false;
      syncGroup(group);
    });
  }
  document.addEventListener("DOMContentLoaded", installGroups);
  document.addEventListener("turbo:load", installGroups);
  if (document.readyState !== "loading") installGroups();

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    // The language menu: choosing a language sends its form.
    if (target.matches("select[data-submit-on-change]") && target.form) {
      target.form.submit();
    }
    // The draft form's file button: show the chosen files' names beside it.
    if (target.matches("input[type=file][data-file-name]")) {
      var holder = target.closest(".vb-file");
      var label = holder && holder.querySelector(".vb-file__name");
      if (label) {
        var names = Array.prototype.map.call(target.files, function (file) { return file.name; });
        label.textContent = names.length ? names.join(", ") : target.dataset.fileName;
      }
    }
    var group = target.closest(".vb-group[data-group]");
    if (group && target.matches("input[data-group-all]")) {
      groupBoxes(group).forEach(function (box) { box.checked = target.checked; });
      target.indeterminate = false;
    } else if (group && target.matches("input[type=checkbox]")) {
      syncGroup(group);
    }
  });
})();
