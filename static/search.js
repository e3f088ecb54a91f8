/* The search page: queries the Pagefind index that the build writes to pagefind/.
   Without JavaScript the page explains that search needs it and links to the browsable lists.
   Results are built with DOM methods only (no innerHTML), so index text can never become markup.
   The filters (kind of page, thread, status, confidence) are the values pages tag themselves with
   (data-pagefind-filter); they stay hidden until the index has loaded, and live in the address
   (?q=…&kind=…) like the query, so a narrowed search can be linked to. */

const root = new URL("../", import.meta.url); // this file is static/search.js: the site root is one up
const form = document.querySelector(".search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const fieldset = form.querySelector(".search-filters");
const selects = [...form.querySelectorAll("select[data-filter]")];
const MAX_RESULTS = 20;
const MAX_SECTIONS = 3;
const TITLE_WORDS = 14;
const EXCERPT_WORDS = 24;
const HIGHLIGHT = "highlight"; // the parameter static/highlight.js reads on the page a result opens

let pagefind = null;
let latest = 0;
let timer = null;

async function engine() {
  if (!pagefind) {
    const module = await import(new URL("pagefind/pagefind.js", root).href);
    await module.options({ baseUrl: root.pathname, excerptLength: EXCERPT_WORDS, highlightParam: HIGHLIGHT });
    pagefind = module;
  }
  return pagefind;
}

/** Pagefind's excerpt is text with <mark> around matches: keep exactly that, as text and <mark> nodes. */
function excerpt(html) {
  const p = document.createElement("p");
  p.className = "result-excerpt";
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(document.createTextNode(node.textContent));
    }
  }
  return p;
}

function link(href, text, className) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  if (className) a.className = className;
  return a;
}

/** ``words[start, end)`` as an excerpt, the words at ``hits`` marked (Pagefind's locations are word indices). */
function wordsExcerpt(words, start, end, hits) {
  const p = document.createElement("p");
  p.className = "result-excerpt";
  for (let i = start; i < end; i += 1) {
    if (i > start) p.append(document.createTextNode(" "));
    if (hits.has(i)) {
      const mark = document.createElement("mark");
      mark.textContent = words[i];
      p.append(mark);
    } else {
      p.append(document.createTextNode(words[i]));
    }
  }
  if (end < words.length) p.append(document.createTextNode(" …"));
  return p;
}

/** Sections of a list whose items have ids (the updates page: one item per change), made from Pagefind's
    anchors and match locations as its documentation describes, since Pagefind splits pages on headings only. */
function itemSections(data) {
  const items = data.anchors.filter((anchor) => anchor.element === "li").sort((a, b) => a.location - b.location);
  if (!items.length || !data.locations.length) return [];
  const words = data.content.split(/\s+/);
  const hits = new Set(data.locations);
  const found = new Map();
  for (const location of [...data.locations].sort((a, b) => a - b)) {
    let at = -1;
    for (let i = 0; i < items.length && items[i].location <= location; i += 1) at = i;
    if (at >= 0 && !found.has(at)) found.set(at, location);
  }
  const base = new URL(data.url, window.location.href);
  return [...found].map(([at, location]) => {
    const item = items[at];
    const end = at + 1 < items.length ? items[at + 1].location : words.length;
    const titleEnd = Math.min(end, item.location + TITLE_WORDS);
    const title = words.slice(item.location, titleEnd).join(" ") + (titleEnd < end ? " …" : "");
    const from = Math.max(item.location, location - Math.floor(EXCERPT_WORDS / 2));
    base.hash = item.id;
    return { url: base.href, title, excerptNode: wordsExcerpt(words, from, Math.min(end, from + EXCERPT_WORDS), hits) };
  });
}

function sections(data) {
  // Matches inside a section (a position, a source, an event) link straight to it.
  const headed = data.sub_results.filter((sub) => sub.anchor && sub.url !== data.url);
  return (headed.length ? headed : itemSections(data)).slice(0, MAX_SECTIONS);
}

function render(items, query, narrowed) {
  list.replaceChildren();
  for (const data of items) {
    const li = document.createElement("li");
    li.className = "search-result";
    if (data.meta.kind) {
      const kind = document.createElement("p");
      kind.className = "result-kind";
      kind.textContent = data.meta.kind;
      li.append(kind);
    }
    const title = document.createElement("h2");
    title.className = "result-title";
    title.append(link(data.url, data.meta.title || data.url));
    li.append(title);
    const parts = sections(data);
    if (!parts.length) li.append(excerpt(data.excerpt));
    if (parts.length) {
      const ul = document.createElement("ul");
      ul.className = "result-sections";
      for (const sub of parts) {
        const item = document.createElement("li");
        item.append(link(sub.url, sub.title, "result-section"), sub.excerptNode || excerpt(sub.excerpt));
        ul.append(item);
      }
      li.append(ul);
    }
    list.append(li);
  }
  const count = items.length;
  const plural = count === 1 ? "" : "s";
  if (!query) {
    status.textContent = count ? `${count} page${plural} with ${narrowed}.` : `No page has ${narrowed}.`;
    return;
  }
  const words = `“${query}”${narrowed ? ` (${narrowed})` : ""}`;
  status.textContent = count
    ? `${count} result${plural} for ${words}.`
    : `Nothing on the record matches ${words}. Try fewer or different words${narrowed ? ", or fewer filters" : ""}.`;
}

/** The filters set, as [name, value, label] (the label as the page shows it). */
function chosen() {
  return selects
    .filter((select) => select.value)
    .map((select) => [select.name, select.value, select.closest("label").querySelector("span").textContent]);
}

async function run() {
  const query = input.value.trim();
  const filters = chosen();
  const mine = ++latest;
  const url = new URL(window.location.href);
  url.search = "";
  if (query) url.searchParams.set("q", query);
  for (const [name, value] of filters) url.searchParams.set(name, value);
  window.history.replaceState(null, "", url);
  if (!query && !filters.length) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  const narrowed = filters.map(([, value, label]) => `${label}: ${value}`).join(", ");
  let found;
  try {
    const options = { filters: Object.fromEntries(filters.map(([name, value]) => [name, value])) };
    const search = await (await engine()).search(query || null, options);
    found = await Promise.all(search.results.slice(0, MAX_RESULTS).map((result) => result.data()));
  } catch (error) {
    if (mine === latest) {
      status.textContent = "Search is not available on this copy of the site (its search index was not built).";
    }
    return;
  }
  if (mine === latest) render(found, query, narrowed);
}

/** Each filter's values with how many pages carry them, in the order the page lists them; then shown. */
async function showFilters(wanted) {
  let available;
  try {
    available = await (await engine()).filters();
  } catch (error) {
    return; // no index: the status line says so when a search runs
  }
  for (const select of selects) {
    const counts = available[select.name] || {};
    const listed = new Set([...select.options].map((option) => option.value));
    for (const value of Object.keys(counts).sort()) {
      if (!listed.has(value)) select.append(new Option(value, value));
    }
    for (const option of [...select.options].slice(1)) {
      if (!counts[option.value]) option.remove();
      else option.textContent = `${option.value} (${counts[option.value]})`;
    }
    if (wanted.get(select.name) && counts[wanted.get(select.name)]) select.value = wanted.get(select.name);
    select.addEventListener("change", run);
  }
  fieldset.hidden = false;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(timer);
  run();
});
input.addEventListener("input", () => {
  window.clearTimeout(timer);
  timer = window.setTimeout(run, 200);
});

const wanted = new URLSearchParams(window.location.search);
input.value = wanted.get("q") || "";
await showFilters(wanted);
if (input.value || chosen().length) run();
