/* The Ledger: small enhancements. Reading never depends on this file; without it every link,
   anchor and page works the same. Loaded as an external, deferred script (no inline code), so
   the pages can run under a strict Content-Security-Policy. */
(function () {
  "use strict";

  var live = null;
  var self = document.currentScript;

  /** A polite live region, so screen-reader users hear that a link was copied. */
  function announce(message) {
    if (!live) {
      live = document.createElement("p");
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return Promise.reject(new Error("clipboard unavailable"));
  }

  /** A "Copy link" button beside each position's confidence badge, copying the position's URL. */
  function addCopyLinks() {
    document.querySelectorAll(".position a.position-letter[href^='#']").forEach(function (anchor) {
      var section = anchor.closest(".position");
      var meta = section && section.querySelector(".position-meta");
      if (!meta) return;
      var name = anchor.textContent.replace(/:\s*$/, "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link";
      button.textContent = "Copy link";
      button.setAttribute("aria-label", "Copy link to " + name);
      var reset = null;
      button.addEventListener("click", function () {
        var url = new URL(anchor.getAttribute("href"), window.location.href).href;
        copyText(url).then(
          function () {
            button.textContent = "Link copied";
            announce("Link to " + name + " copied");
          },
          function () {
            window.location.hash = anchor.getAttribute("href");
            button.textContent = "Link is in the address bar";
            announce("Link to " + name + " is in the address bar");
          }
        );
        window.clearTimeout(reset);
        reset = window.setTimeout(function () { button.textContent = "Copy link"; }, 2500);
      });
      meta.appendChild(button);
    });
  }

  /** "/" moves focus to the search box, as on many reference sites (never while typing). */
  function addSearchShortcut() {
    var box = document.getElementById("site-search-q") || document.getElementById("search-q");
    if (!box) return;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
      event.preventDefault();
      box.focus();
    });
  }

  /** Opened from a search result (``?highlight=word``): static/highlight.js marks the words searched for. */
  function highlightSearchTerms() {
    if (!self || !new URLSearchParams(window.location.search).has("highlight")) return;
    import(new URL("highlight.js", self.src).href).catch(function () {});
  }

  /** Days from an ISO date (YYYY-MM-DD) to the reader's today. */
  function daysSince(iso) {
    var parts = iso.split("-").map(Number);
    var now = new Date();
    return Math.floor((Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) - Date.UTC(parts[0], parts[1] - 1, parts[2])) / 864e5);
  }

  /** "Not reviewed for over a year": shown when the page's last review is older than that on the reader's
      own date. The build cannot say it (it never reads the clock: the same content gives the same site);
      without this script the page still says when it was last reviewed. */
  function showStaleNotices() {
    document.querySelectorAll(".stale-notice[data-reviewed]").forEach(function (notice) {
      var limit = Number(notice.getAttribute("data-stale-after-days"));
      if (limit > 0 && daysSince(notice.getAttribute("data-reviewed")) > limit) notice.hidden = false;
    });
  }

  /** /updates/: the list filtered by thread and controversy, the choice kept in the address
      (?thread=…&controversy=…) so a filtered list can be shared. Without this script the filter stays
      hidden and the whole list shows. */
  function addUpdateFilter() {
    var form = document.querySelector("form.update-filter");
    var list = document.querySelector(".update-list");
    if (!form || !list) return;
    var thread = form.querySelector("#filter-thread");
    var controversy = form.querySelector("#filter-controversy");
    var count = form.querySelector(".filter-count");
    var items = Array.prototype.slice.call(list.children);
    var options = Array.prototype.slice.call(controversy.querySelectorAll("option[data-thread]"));

    function known(select, value) {
      return Array.prototype.some.call(select.options, function (o) { return o.value === value; }) ? value : "";
    }

    function apply(remember) {
      // A controversy belongs to one thread: choosing it chooses its thread; other threads' are not offered.
      var chosen = controversy.selectedOptions[0];
      if (chosen && chosen.hasAttribute("data-thread")) thread.value = chosen.getAttribute("data-thread");
      options.forEach(function (o) { o.hidden = o.disabled = !!thread.value && o.getAttribute("data-thread") !== thread.value; });
      var shown = 0;
      items.forEach(function (item) {
        var match = (!thread.value || item.getAttribute("data-thread") === thread.value) &&
          (!controversy.value || item.getAttribute("data-controversy") === controversy.value);
        item.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = thread.value || controversy.value
        ? "Showing " + shown + " of " + items.length + " changes."
        : "Showing all " + items.length + " changes.";
      if (remember) {
        var query = new URLSearchParams();
        if (thread.value) query.set("thread", thread.value);
        if (controversy.value) query.set("controversy", controversy.value);
        var search = query.toString();
        window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
      }
    }

    var params = new URLSearchParams(window.location.search);
    thread.value = known(thread, params.get("thread") || "");
    controversy.value = known(controversy, params.get("controversy") || "");
    thread.addEventListener("change", function () {
      var chosen = controversy.selectedOptions[0];
      if (chosen && chosen.getAttribute("data-thread") !== thread.value) controversy.value = "";
      apply(true);
    });
    controversy.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply(false);
  }

  addCopyLinks();
  addSearchShortcut();
  highlightSearchTerms();
  showStaleNotices();
  addUpdateFilter();
})();
