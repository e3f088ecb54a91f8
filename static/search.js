/* The search page: queries the Pagefind index that the build writes to pagefind/.
   Without JavaScript the page explains that search needs it and links to the browsable lists.
   Results are built with DOM methods only (no innerHTML), so index text can never become markup. */

const root = new URL("../", import.meta.url); // this file is static/search.js: the site root is one up
const form = document.querySelector(".search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const MAX_RESULTS = 20;
const MAX_SECTIONS = 3;

let pagefind = null;
let latest = 0;
let timer = null;

async function engine() {
  if (!pagefind) {
    const module = await import(new URL("pagefind/pagefind.js", root).href);
    await module.options({ baseUrl: root.pathname, excerptLength: 24 });
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

function render(query, items) {
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
    // Matches inside a section (a position, a source) link straight to it; the page excerpt would repeat them.
    const sections = data.sub_results.filter((sub) => sub.anchor && sub.url !== data.url).slice(0, MAX_SECTIONS);
    if (!sections.length) li.append(excerpt(data.excerpt));
    if (sections.length) {
      const ul = document.createElement("ul");
      ul.className = "result-sections";
      for (const sub of sections) {
        const item = document.createElement("li");
        item.append(link(sub.url, sub.title, "result-section"), excerpt(sub.excerpt));
        ul.append(item);
      }
      li.append(ul);
    }
    list.append(li);
  }
  const count = items.length;
  status.textContent = count
    ? `${count} result${count === 1 ? "" : "s"} for “${query}”.`
    : `Nothing on the record matches “${query}”. Try fewer or different words.`;
}

async function run(raw) {
  const query = raw.trim();
  const mine = ++latest;
  const url = new URL(window.location.href);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  let found;
  try {
    const search = await (await engine()).search(query);
    found = await Promise.all(search.results.slice(0, MAX_RESULTS).map((result) => result.data()));
  } catch (error) {
    if (mine === latest) {
      status.textContent = "Search is not available on this copy of the site (its search index was not built).";
    }
    return;
  }
  if (mine === latest) render(query, found);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(timer);
  run(input.value);
});
input.addEventListener("input", () => {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => run(input.value), 200);
});

const initial = new URLSearchParams(window.location.search).get("q") || "";
if (initial) {
  input.value = initial;
  run(initial);
}
