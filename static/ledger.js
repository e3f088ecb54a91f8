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

  addCopyLinks();
  addSearchShortcut();
  highlightSearchTerms();
})();
