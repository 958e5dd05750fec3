/* Site-wide behaviour of the staff pages. No inline scripts: everything hooks in here
   (the Content-Security-Policy allows only our own static files). Every page works
   without it; this adds the conveniences. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* Whole rows of a list open their record; links, buttons and checkboxes keep theirs. */
  document.addEventListener("click", function (event) {
    var row = event.target.closest("tr[data-href]");
    if (!row || event.target.closest("a, button, input, select, label, textarea, summary")) return;
    if (window.getSelection && String(window.getSelection())) return; // selecting text
    if (event.ctrlKey || event.metaKey) {
      window.open(row.dataset.href, "_blank");
    } else {
      window.location.href = row.dataset.href;
    }
  });

  /* "Select all on this page" ticks the row checkboxes. */
  document.addEventListener("change", function (event) {
    var box = event.target.closest("input.select-all");
    if (!box) return;
    document.querySelectorAll('input[type=checkbox][name="' + box.dataset.select + '"]')
      .forEach(function (other) { other.checked = box.checked; });
  });

  /* The menu folds into a button on narrow screens. */
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    if (!toggle) return;
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    document.body.classList.toggle("nav-open", open);
  });

  /* A lookup's choice fills its field (see listing/_lookup_results.html). */
  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-lookup-value]");
    if (!choice) return;
    event.preventDefault();
    var box = choice.closest(".lookup");
    var input = box && box.querySelector("input.lookup-input");
    if (!input) return;
    input.value = choice.dataset.lookupValue;
    box.querySelector(".lookup-results").innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.focus();
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  /* The language switch: a pick with the mouse switches at once; moving through the
     options with the arrow keys does not (WCAG 3.2.2): Enter or the button switches. */
  var keyed = false;
  document.addEventListener("keydown", function (event) {
    var select = event.target.closest("#language-select");
    if (!select) return;
    if (event.key === "Enter") {
      event.preventDefault();
      select.form.submit();
    } else {
      keyed = true;
    }
  });
  document.addEventListener("pointerdown", function () { keyed = false; });
  document.addEventListener("change", function (event) {
    var select = event.target.closest("#language-select");
    if (select && !keyed) select.form.submit();
  });

  /* Lookup results: the combobox says whether it has a list open. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var results = event.target;
    if (!results.classList || !results.classList.contains("lookup-results")) return;
    var input = results.parentNode.querySelector("input.lookup-input");
    if (input) input.setAttribute("aria-expanded", String(!!results.querySelector("li")));
  });

  /* A select marked data-autosubmit sends its form when changed (filters). */
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  /* A form marked data-confirm asks before it is sent (deletes). */
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  /* Print buttons and pages that print when they open. */
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  function ready() {
    /* After a failed submit, focus goes to the first field with an error (or the
       form's error list), so keyboard and screen-reader users land on it. */
    var bad = document.querySelector("main [aria-invalid=true]");
    var summary = document.querySelector("main .errorlist[role=alert]");
    var target = bad || summary;
    if (target) {
      if (!bad) target.setAttribute("tabindex", "-1");
      target.focus();
    }
    if (document.querySelector("[data-print-on-load]")) window.print();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
