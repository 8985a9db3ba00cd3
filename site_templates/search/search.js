/*
 * Trang tìm kiếm của danh bạ / The directory's search page.
 *
 * Loads the index prebuilt by directory/index.py (lunr.js 2.3.9, never rebuilt here)
 * and the compact listing table, then searches as the user types. The folding
 * pipeline function "vnFold" must stay identical to directory/index.py::vn_fold
 * (tests/test_search_parity.py checks it): fold like directory/text.py::fold
 * (đ→d, NFD, drop combining marks, lower-case), then split on anything but a-z0-9.
 * The build replaces the combining-mark placeholder below with the exact set
 * Python's unicodedata.combining() flags.
 *
 * Query and filters live in the URL (history.replaceState); the theme's own header
 * search is removed from this page only, as it would also react to ?q=. Listing data is only
 * ever written with textContent, never innerHTML. No inline script or handler.
 * Under node (tests) only the pure functions are exported; no DOM is touched.
 */
(function (root) {
  "use strict";

  var lunr = root.lunr || (typeof require === "function" ? require("lunr") : null);
  var COMBINING = new RegExp("__COMBINING_MARKS__", "gu");
  var NON_ALNUM = /[^a-z0-9]+/;
  var PAGE_SIZE = 50;

  function fold(text) {
    return String(text).replace(/đ/g, "d").replace(/Đ/g, "D")
      .normalize("NFD").replace(COMBINING, "").toLowerCase();
  }

  function vnFold(token) {
    return fold(token.toString()).split(NON_ALNUM).filter(Boolean).map(function (part) {
      return token.clone(function () { return part; });
    });
  }
  lunr.Pipeline.registerFunction(vnFold, "vnFold");

  function tokens(text) {
    var pipeline = new lunr.Pipeline();
    pipeline.add(vnFold);
    return pipeline.run(lunr.tokenizer(String(text))).map(String);
  }

  /* [term, prefix?]: every word required; the last one is a prefix unless finished
     or shorter than MIN_PREFIX letters (a one-letter prefix matches most of the index). */
  var MIN_PREFIX = 2;
  function queryTerms(text) {
    var terms = tokens(text);
    var prefix = /[a-z0-9]$/.test(fold(text));
    return terms.map(function (t, i) {
      return [t, prefix && i === terms.length - 1 && t.length >= MIN_PREFIX];
    });
  }

  function search(index, text) {
    var terms = queryTerms(text);
    if (!terms.length) return [];
    return index.query(function (q) {
      terms.forEach(function (t) {
        q.term(t[0], {
          usePipeline: false,
          presence: lunr.Query.presence.REQUIRED,
          wildcard: t[1] ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        });
      });
    }).map(function (r) { return [r.ref, r.score]; });
  }

  var api = { fold: fold, vnFold: vnFold, tokens: tokens, queryTerms: queryTerms, search: search };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  /* ---- Page ---------------------------------------------------------------------- */

  // The filters (param in the URL, key in the table, legend) come with the table: directory/index.py FACETS.
  var GROUPS = [];
  var VALID_PARAM = "con-hieu-luc";
  var collator = new Intl.Collator("vi");

  var box = document.getElementById("tk");
  if (!box) return;

  /* mkdocs-material's header search also reads ?q= (opens itself, then deletes q from
   * the URL). On this page the page is the search: take the header search out before
   * the theme's bundle (loaded after this script) mounts it. Other pages keep it. */
  Array.prototype.forEach.call(document.querySelectorAll(
    '[data-md-component="search"], .md-header__button[for="__search"]'), function (node) {
    node.parentNode.removeChild(node);
  });
  var input = document.getElementById("tk-q");
  var form = document.getElementById("tk-form");
  var status = document.getElementById("tk-status");
  var empty = document.getElementById("tk-empty");
  var clear = document.getElementById("tk-clear");
  var facetBox = document.getElementById("tk-facets");
  var list = document.getElementById("tk-results");
  var more = document.getElementById("tk-more");
  var rootPath = box.getAttribute("data-root") || "../";

  var state = { q: "", selected: {}, valid: false, shown: PAGE_SIZE };
  var data = null, index = null, counters = {}, validCounter = null, validBox = null, timer = null;

  function readUrl() {
    var params = new URLSearchParams(root.location.search);
    state.q = params.get("q") || "";
    GROUPS.forEach(function (g) { state.selected[g.param] = new Set(params.getAll(g.param)); });
    state.valid = params.get(VALID_PARAM) === "1";
  }

  function writeUrl() {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    GROUPS.forEach(function (g) {
      Array.from(state.selected[g.param]).sort().forEach(function (v) { params.append(g.param, v); });
    });
    if (state.valid) params.set(VALID_PARAM, "1");
    var search = params.toString();
    root.history.replaceState(null, "", search ? "?" + search : root.location.pathname);
  }

  function values(item, g) {
    if (g.key === "c") return (state.valid ? item.v : item.c) || [];
    var v = item[g.key];
    return Array.isArray(v) ? v : (v ? [v] : []);
  }

  function passes(item, g) {
    var chosen = state.selected[g.param];
    if (!chosen.size) return true;
    return values(item, g).some(function (v) { return chosen.has(v); });
  }

  function passesAll(item, except) {
    if (except !== VALID_PARAM && state.valid && !(item.v && item.v.length)) return false;
    return GROUPS.every(function (g) { return g === except || passes(item, g); });
  }

  function filtersActive() {
    return state.valid || GROUPS.some(function (g) { return state.selected[g.param].size > 0; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function checkbox(id, name, value, label, checked, onChange) {
    var row = el("div", "tk-option");
    var check = el("input");
    check.type = "checkbox";
    check.id = id;
    check.name = name;
    check.value = value;
    check.checked = checked;
    check.addEventListener("change", onChange);
    var lab = el("label");
    lab.htmlFor = id;
    lab.appendChild(document.createTextNode(label + " "));
    var count = el("span", "tk-count", "");
    lab.appendChild(count);
    row.appendChild(check);
    row.appendChild(lab);
    return { row: row, box: check, count: count };
  }

  function buildFacets() {
    var labels = data.labels;
    var valid = checkbox("tk-f-valid", VALID_PARAM, "1", "Chỉ chứng nhận còn hiệu lực", state.valid, function () {
      state.valid = valid.box.checked;
      changed();
    });
    validCounter = valid.count;
    validBox = valid.box;
    var first = el("fieldset", "tk-facet");
    first.appendChild(el("legend", null, "Chứng nhận"));
    first.appendChild(valid.row);
    facetBox.appendChild(first);
    GROUPS.forEach(function (g) {
      var codes = Object.keys(labels[g.key] || {});
      if (!codes.length) return;
      if (g.sort) codes.sort(function (a, b) { return collator.compare(labels[g.key][a], labels[g.key][b]); });
      var set = el("fieldset", "tk-facet");
      set.appendChild(el("legend", null, g.legend));
      counters[g.param] = {};
      codes.forEach(function (code) {
        var id = "tk-f-" + g.param + "-" + code;
        var option = checkbox(id, g.param, code, labels[g.key][code], state.selected[g.param].has(code), function () {
          if (option.box.checked) state.selected[g.param].add(code); else state.selected[g.param].delete(code);
          changed();
        });
        counters[g.param][code] = option;
        set.appendChild(option.row);
      });
      facetBox.appendChild(set);
    });
  }

  function matches() {
    var terms = queryTerms(state.q);
    if (!terms.length) return data.items.map(function (item, i) { return i; });
    return search(index, state.q).map(function (r) { return Number(r[0]); });
  }

  function updateCounts(found) {
    GROUPS.forEach(function (g) {
      if (!counters[g.param]) return;
      var counts = {};
      found.forEach(function (i) {
        var item = data.items[i];
        if (!passesAll(item, g)) return;
        values(item, g).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
      });
      Object.keys(counters[g.param]).forEach(function (code) {
        var option = counters[g.param][code];
        option.count.textContent = "(" + (counts[code] || 0) + ")";
        option.box.checked = state.selected[g.param].has(code);
      });
    });
    var valid = found.filter(function (i) {
      var item = data.items[i];
      return passesAll(item, VALID_PARAM) && item.v && item.v.length;
    }).length;
    validCounter.textContent = "(" + valid + ")";
    validBox.checked = state.valid;
  }

  function resultItem(item) {
    var labels = data.labels;
    var li = el("li", "tk-result");
    var link = el("a", "tk-name", item.n);
    link.href = rootPath + item.u;
    li.appendChild(link);
    var meta = el("p", "tk-meta");
    var parts = [labels.k[item.k]];
    if (item.p) parts.push(labels.p[item.p]);
    if (item.d) parts.push(item.d);
    if (item.e) parts.push(labels.e[item.e]);
    meta.appendChild(el("span", "tk-kind", parts.join(" · ")));
    if (item.st) {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(el("span", "tk-cert tk-cert-" + item.st, "Chứng nhận: " + labels.st[item.st]));
    }
    li.appendChild(meta);
    if (item.o) li.appendChild(el("p", "tk-org", item.o));
    return li;
  }

  function render() {
    var found = matches();
    updateCounts(found);
    var shown = found.filter(function (i) { return passesAll(data.items[i], null); });
    var fragment = document.createDocumentFragment();
    shown.slice(0, state.shown).forEach(function (i) { fragment.appendChild(resultItem(data.items[i])); });
    list.replaceChildren(fragment);
    more.hidden = shown.length <= state.shown;
    empty.hidden = shown.length > 0;
    clear.hidden = !filtersActive();
    var browsing = !queryTerms(state.q).length && !filtersActive();
    status.textContent = shown.length === 0 ? "Không tìm thấy kết quả nào."
      : browsing ? "Danh bạ có " + shown.length + " tin. Gõ từ khóa hoặc chọn bộ lọc để thu hẹp."
      : "Tìm thấy " + shown.length + " kết quả" + (shown.length > state.shown ? ", đang hiện " + state.shown + "." : ".");
    if (!box.hasAttribute("data-ready")) {
      box.setAttribute("data-ready", "1");
      if (root.performance && root.performance.mark) root.performance.mark("tk-first-result");
    }
  }

  function changed() {
    state.shown = PAGE_SIZE;
    writeUrl();
    render();
  }

  function fetchJson(name) {
    return root.fetch(box.getAttribute(name)).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.url);
      return response.json();
    });
  }

  readUrl();
  input.value = state.q;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  Promise.all([fetchJson("data-index"), fetchJson("data-table")]).then(function (loaded) {
    index = lunr.Index.load(loaded[0]);
    data = loaded[1];
    GROUPS = data.facets;
    readUrl();
    buildFacets();
    if (input.value !== state.q) { state.q = input.value; writeUrl(); }
    input.addEventListener("input", function () {
      root.clearTimeout(timer);
      timer = root.setTimeout(function () { state.q = input.value; changed(); }, 60);
    });
    more.addEventListener("click", function () { state.shown += PAGE_SIZE; render(); });
    clear.addEventListener("click", function () {
      GROUPS.forEach(function (g) { state.selected[g.param].clear(); });
      state.valid = false;
      changed();
      input.focus();
    });
    render();
  }, function () {
    status.textContent = "Không tải được chỉ mục tìm kiếm. Hãy tải lại trang.";
  });
})(typeof window !== "undefined" ? window : globalThis);
