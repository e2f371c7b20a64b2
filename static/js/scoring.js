// The score sheet at keyboard speed (no inline script; loaded by scoring/sheet.html).
// Enter saves the row (htmx) and moves to the next row's score, Shift+Enter to the previous one,
// Esc restores the saved values; each row shows its state (saved / error / not saved yet) and a
// live region announces it; values typed but not saved survive an evidence upload in the row.
(function () {
  "use strict";

  var table = document.getElementById("score-table");
  if (!table) {
    return;
  }
  var announcer = document.getElementById("sheet-announcer");

  function rowOf(el) {
    return el.closest("tr[data-leaf]");
  }

  function fields(form) {
    return Array.prototype.slice.call(form.querySelectorAll("[data-saved]"));
  }

  function isDirty(form) {
    return fields(form).some(function (f) { return f.value !== f.getAttribute("data-saved"); });
  }

  function announce(text) {
    if (!announcer || !text) {
      return;
    }
    // Clear first so that the same text twice is announced twice.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function setState(row, state, text) {
    var box = row && row.querySelector(".row-state");
    if (!box) {
      return;
    }
    box.setAttribute("data-state", state);
    box.className = "small row-state row-state-" + state;
    box.textContent = text;
  }

  function serverState(row) {
    var box = row.querySelector(".row-state");
    return box ? { state: box.getAttribute("data-state"), text: box.getAttribute("data-server-text") } : null;
  }

  function refreshState(form) {
    var row = rowOf(form);
    if (isDirty(form)) {
      setState(row, "unsaved", table.getAttribute("data-unsaved-text"));
    } else {
      var s = serverState(row);
      if (s) {
        setState(row, s.state === "error" ? "saved" : s.state, s.state === "error" ? "" : s.text);
      }
    }
  }

  function scoreInputs() {
    return Array.prototype.slice.call(table.querySelectorAll(".score-input"));
  }

  function moveFrom(row, step) {
    var inputs = scoreInputs();
    for (var i = 0; i < inputs.length; i++) {
      if (rowOf(inputs[i]) === row) {
        var next = inputs[i + step];
        if (next) {
          next.focus();
          if (next.select) {
            next.select();
          }
        }
        return next;
      }
    }
    return null;
  }

  table.addEventListener("keydown", function (event) {
    var el = event.target;
    var form = el.closest && el.closest("form.row-form");
    if (!form || el.tagName === "BUTTON") {
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      fields(form).forEach(function (f) {
        f.value = f.getAttribute("data-saved");
        f.removeAttribute("aria-invalid");
      });
      var error = form.querySelector("[id^=error-]");
      if (error) {
        error.remove();
      }
      var score = form.querySelector(".score-input");
      setState(rowOf(form), score && score.getAttribute("data-saved") ? "saved" : "empty", "");
      announce(rowOf(form).getAttribute("data-code") + ": " + table.getAttribute("data-restored-text"));
      return;
    }
    if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    event.preventDefault();
    var row = rowOf(form);
    if (isDirty(form)) {
      form.requestSubmit();
    }
    moveFrom(row, event.shiftKey ? -1 : 1);
  });

  table.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form.row-form");
    if (form) {
      refreshState(form);
    }
  });
  table.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.row-form");
    if (form) {
      refreshState(form);
    }
  });

  // Typed but unsaved values of a row survive another request of that row (evidence upload or
  // removal), which swaps the whole row.
  var pending = {};
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    var row = form && form.closest && rowOf(form);
    if (!row || form.classList.contains("row-form")) {
      return;
    }
    var rowForm = row.querySelector("form.row-form");
    if (!rowForm) {
      return;
    }
    var kept = {};
    fields(rowForm).forEach(function (f) {
      if (f.value !== f.getAttribute("data-saved")) {
        kept[f.id] = f.value;
      }
    });
    pending[row.id] = kept;
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || !target.id || target.id.indexOf("row-") !== 0) {
      return;
    }
    var row = document.getElementById(target.id);
    if (!row) {
      return;
    }
    var kept = pending[row.id];
    delete pending[row.id];
    var rowForm = row.querySelector("form.row-form");
    if (kept && rowForm) {
      Object.keys(kept).forEach(function (id) {
        var f = document.getElementById(id);
        if (f) {
          f.value = kept[id];
        }
      });
      refreshState(rowForm);
    }
    var messages = [];
    row.querySelectorAll(".row-state, [role=alert]").forEach(function (el) {
      if (el.textContent.trim()) {
        messages.push(el.textContent.trim());
      }
    });
    announce(row.getAttribute("data-code") + ": " + messages.join(" "));
  });

  // Submitting warns of the rows that have no evidence (read at the moment of submitting, so
  // files attached since the page loaded count). Runs before app.js's confirmation.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form.id !== "submit-form") {
        return;
      }
      if (!form.hasAttribute("data-confirm-base")) {
        form.setAttribute("data-confirm-base", form.getAttribute("data-confirm"));
      }
      var missing = Array.prototype.map.call(
        table.querySelectorAll("tr[data-leaf][data-evidence='0']"),
        function (tr) { return tr.getAttribute("data-code"); }
      );
      var question = form.getAttribute("data-confirm-base");
      if (missing.length) {
        question += "\n\n" + form.getAttribute("data-missing-evidence") + " " + missing.join(", ") +
          " (" + missing.length + ")";
      }
      form.setAttribute("data-confirm", question);
    },
    true
  );
})();
