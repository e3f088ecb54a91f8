/* The sources page: narrow the list by kind, reliability note and year. The page is the whole list;
   this shows the filters (hidden without JavaScript, which then leaves the list whole), hides the
   entries they leave out, says how many are shown, and keeps the choice in the address
   (?kind=paper&year=2024), so a narrowed list can be linked to. */
(function () {
  "use strict";

  var form = document.querySelector(".source-filters");
  if (!form) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var entries = Array.prototype.slice.call(document.querySelectorAll(".bibliography > li"));
  var count = form.querySelector(".source-count");
  var KEYS = { kind: "kind", reliability: "reliability", year: "year" }; // select name → data-* attribute

  function apply(remember) {
    var shown = 0;
    entries.forEach(function (entry) {
      var keep = selects.every(function (select) {
        return !select.value || entry.getAttribute("data-" + KEYS[select.name]) === select.value;
      });
      entry.hidden = !keep;
      if (keep) shown += 1;
    });
    count.textContent = shown === entries.length
      ? entries.length + " sources."
      : "Showing " + shown + " of " + entries.length + " sources.";
    if (remember) {
      var url = new URL(window.location.href);
      selects.forEach(function (select) {
        if (select.value) url.searchParams.set(select.name, select.value);
        else url.searchParams.delete(select.name);
      });
      window.history.replaceState(null, "", url);
    }
  }

  var wanted = new URLSearchParams(window.location.search);
  selects.forEach(function (select) {
    var value = wanted.get(select.name);
    if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
    }
    select.addEventListener("change", function () { apply(true); });
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply(false);

  // A link to one source (#source-…) always shows it, whatever the filters in the address say.
  function reveal() {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    var entry = target && target.closest(".bibliography > li");
    if (entry && entry.hidden) {
      selects.forEach(function (select) { select.value = ""; });
      apply(true);
      entry.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
