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

// Phones: app.css stacks table rows as cards below 576 px; each cell is labelled with its
// column's header (cells the template already labelled keep their data-label).
function labelTableCells(root) {
  (root || document).querySelectorAll("main table").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) {
      return;
    }
    var names = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) {
        names.push(cell.textContent.trim());
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && names[col] && (cell.colSpan || 1) === 1) {
            cell.setAttribute("data-label", names[col]);
          }
          col += cell.colSpan || 1;
        });
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelTableCells(document); });
document.addEventListener("htmx:afterSettle", function () { labelTableCells(document); });

// A "choose all" box in a table head ticks every enabled box named by its data-check-all.
document.addEventListener("change", function (event) {
  var box = event.target;
  var name = box.getAttribute && box.getAttribute("data-check-all");
  if (!name || !box.form) {
    return;
  }
  box.form.querySelectorAll('input[type=checkbox][name="' + name + '"]:not(:disabled)').forEach(function (b) {
    b.checked = box.checked;
  });
});
