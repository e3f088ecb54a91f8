/* Marks the words a reader searched for on the page a search result opened. static/search.js adds them
   to each result's address (?highlight=word&highlight=…); static/ledger.js loads this file only then.
   Pagefind's own highlighter (pagefind/pagefind-highlight.js, shipped with the index) marks them inside
   the indexed text only (data-pagefind-body, not data-pagefind-ignore) as <mark class="search-highlight">,
   styled by style.css: it is told not to add a <style> element, which the pages' CSP would refuse. */

const root = new URL("../", import.meta.url); // this file is static/highlight.js: the site root is one up

const { default: PagefindHighlight } = await import(new URL("pagefind/pagefind-highlight.js", root).href);
new PagefindHighlight({
  highlightParam: "highlight",
  addStyles: false,
  markOptions: {
    className: "search-highlight",
    exclude: ["[data-pagefind-ignore]", "[data-pagefind-ignore] *"],
  },
});
// A result for a whole page opens at its top: bring the first match into view (a section's result
// opens at its heading, as its address says).
const first = document.querySelector("mark.search-highlight");
if (first && !window.location.hash) first.scrollIntoView({ block: "center" });
