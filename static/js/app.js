// Small behaviours without inline scripts: confirm dangerous actions, auto-submit selects.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // One click, one effect: disable submit buttons while the request is under way.
  if (!form.hasAttribute("hx-post")) {
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  }
});
