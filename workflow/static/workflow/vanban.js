/* The pages' few behaviours, as listeners on the document (no inline handlers: the
   Content-Security-Policy allows scripts from files only). Turbo swaps the body, so the
   listeners live on the document and are installed once. */
(function () {
  if (window.vanbanInstalled) return;
  window.vanbanInstalled = true;
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    // The language menu: choosing a language sends its form.
    if (target.matches("select[data-submit-on-change]") && target.form) {
      target.form.submit();
    }
    // The draft form's file button: show the chosen file's name beside it.
    if (target.matches("input[type=file][data-file-name]")) {
      var holder = target.closest(".vb-file");
      var label = holder && holder.querySelector(".vb-file__name");
      if (label) {
        label.textContent = target.files.length ? target.files[0].name : target.dataset.fileName;
      }
    }
  });
})();
