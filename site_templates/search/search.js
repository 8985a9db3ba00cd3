/*
 * Trang tìm kiếm của danh bạ / The directory's search page (tim-kiem.js).
 *
 * Runs on /tim-kiem/ only, after lunr.js and tim-kiem-loi.js (window.SCPSearch, the engine:
 * its API is documented at the top of site_templates/search/core.js). It fetches the
 * manifest through SCPSearch.load and the facet table danh-sach.json (every listing's kind,
 * province, region, sectors, certificates), then searches as the user types: the engine
 * fetches the shards each query needs, and this page fetches the records of the results it
 * shows (PAGE_SIZE at a time).
 *
 * Query and filters live in the URL (history.replaceState); the theme's own header search is
 * removed from this page only, as it would also react to ?q=. Listing data is only ever
 * written with textContent, never innerHTML. No inline script or handler.
 *
 * The filters come before the results (page.md): beside them on wide screens, behind the
 * "Bộ lọc" button (#tk-toggle) on phones. They are built off the page and put on it in the
 * same step as the first results, so the page does not move while it fills (no layout shift).
 */
(function (root) {
  "use strict";

  var PAGE_SIZE = 20;
  var VALID_PARAM = "con-hieu-luc";
  var box = document.getElementById("tk");
  if (!box || !root.SCPSearch) return;

  /* mkdocs-material's header search also reads ?q= (opens itself, then deletes q from
   * the URL). On this page the page is the search: take the header search out before
   * the theme's bundle (loaded after this script) mounts it. Other pages keep it. */
  Array.prototype.forEach.call(document.querySelectorAll(
    '[data-md-component="search"], .md-header__button[for="__search"]'), function (node) {
    node.parentNode.removeChild(node);
  });

  var engine = root.SCPSearch;
  var collator = new Intl.Collator("vi");
  var input = document.getElementById("tk-q");
  var form = document.getElementById("tk-form");
  var status = document.getElementById("tk-status");
  var notesBox = document.getElementById("tk-notes");
  var empty = document.getElementById("tk-empty");
  var emptyFilters = document.getElementById("tk-empty-filters");
  var emptyWords = document.getElementById("tk-empty-words");
  var suggestBox = document.getElementById("tk-suggest");
  var clear = document.getElementById("tk-clear");
  var facetBox = document.getElementById("tk-facets");
  var toggle = document.getElementById("tk-toggle");
  var toggleCount = document.getElementById("tk-toggle-count");
  var list = document.getElementById("tk-results");
  var more = document.getElementById("tk-more");
  var rootPath = box.getAttribute("data-root") || "../";

  // The filters (param in the URL, key in the table, legend) come with the manifest: search.py FACETS.
  var GROUPS = [];
  var state = { q: "", selected: {}, valid: false, shown: PAGE_SIZE };
  var facts = [], labels = null, counters = {}, validCounter = null, validBox = null, timer = null, turn = 0;
  var pendingFacets = null;   // the filters, until the first results go on the page with them

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

  /* danh-sach.json: one column of numbers per facet key, into that key's list of codes. */
  function decodeTable(table) {
    var keys = Object.keys(table.columns), n = table.columns.k.length, out = [];
    for (var i = 0; i < n; i++) {
      var item = {};
      keys.forEach(function (key) {
        var value = table.columns[key][i], codes = table.codes[key];
        if (Array.isArray(value)) { if (value.length) item[key] = value.map(function (x) { return codes[x]; }); }
        else if (value >= 0) item[key] = codes[value];
      });
      out.push(item);
    }
    return out;
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

  function activeCount() {
    return (state.valid ? 1 : 0) + GROUPS.reduce(function (n, g) { return n + state.selected[g.param].size; }, 0);
  }

  function filtersActive() {
    return activeCount() > 0;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* One option: a label around its checkbox, so the whole row is the target. */
  function checkbox(id, name, value, label, checked, onChange) {
    var row = el("label", "tk-option");
    var check = el("input");
    check.type = "checkbox";
    check.id = id;
    check.name = name;
    check.value = value;
    check.checked = checked;
    check.addEventListener("change", onChange);
    var text = el("span", "tk-option-text");
    text.appendChild(document.createTextNode(label + " "));
    var count = el("span", "tk-count", "");
    text.appendChild(count);
    row.appendChild(check);
    row.appendChild(text);
    return { row: row, box: check, count: count };
  }

  function buildFacets() {
    var valid = checkbox("tk-f-valid", VALID_PARAM, "1", "Chỉ chứng nhận còn hiệu lực", state.valid, function () {
      state.valid = valid.box.checked;
      changed();
    });
    validCounter = valid.count;
    validBox = valid.box;
    var fragment = document.createDocumentFragment();
    var first = el("fieldset", "tk-facet");
    first.appendChild(el("legend", null, "Chứng nhận"));
    first.appendChild(valid.row);
    fragment.appendChild(first);
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
      fragment.appendChild(set);
    });
    return fragment;
  }

  function showFacets() {
    if (pendingFacets) { facetBox.appendChild(pendingFacets); pendingFacets = null; }
  }

  function showToggleCount() {
    var n = activeCount();
    toggleCount.textContent = n ? " (" + n + " đang chọn)" : "";
  }

  /* Every ref matching the query (all listings when there is none), best first. */
  function matches(q) {
    if (!engine.queryTerms(q).length) {
      return Promise.resolve({ refs: facts.map(function (_item, i) { return i; }), notes: [], suggestions: [],
                               fallback: false, browsing: true });
    }
    return engine.search(q).then(function (found) {
      return { refs: found.results.map(function (r) { return Number(r[0]); }), notes: found.notes,
               suggestions: found.suggestions, fallback: found.fallback, browsing: false };
    });
  }

  function updateCounts(found) {
    GROUPS.forEach(function (g) {
      if (!counters[g.param]) return;
      var counts = {};
      found.forEach(function (i) {
        var item = facts[i];
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
      var item = facts[i];
      return passesAll(item, VALID_PARAM) && item.v && item.v.length;
    }).length;
    validCounter.textContent = "(" + valid + ")";
    validBox.checked = state.valid;
  }

  function resultItem(item) {
    var li = el("li", "tk-result");
    var link = el("a", "tk-name", item.n);
    link.href = rootPath + item.u;
    li.appendChild(link);
    if (item.m) {   // a sample: said on every card, result and type-ahead entry
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "scp-badge scp-badge--sample", "Dữ liệu mẫu"));
    }
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

  function showSuggestions(suggestions) {
    var fragment = document.createDocumentFragment();
    suggestions.forEach(function (text) {
      var button = el("button", "tk-suggestion", text);
      button.type = "button";
      button.addEventListener("click", function () {
        input.value = text;
        state.q = text;
        changed();
        input.focus();
      });
      fragment.appendChild(button);
    });
    suggestBox.replaceChildren(fragment);
    suggestBox.hidden = !suggestions.length;
  }

  function render() {
    var mine = ++turn, q = state.q, url = root.location.search;
    return matches(q).then(function (found) {
      if (mine !== turn) return null;
      updateCounts(found.refs);
      var shown = found.refs.filter(function (i) { return passesAll(facts[i], null); });
      var page = shown.slice(0, state.shown);
      return engine.records(page).then(function (items) {
        if (mine !== turn) return;
        var fragment = document.createDocumentFragment();
        items.forEach(function (item) { fragment.appendChild(resultItem(item)); });
        showFacets();
        list.replaceChildren(fragment);
        showToggleCount();
        notesBox.replaceChildren.apply(notesBox, found.notes.map(function (n) { return el("p", "tk-note-line", n); }));
        notesBox.hidden = !found.notes.length;
        more.hidden = shown.length <= state.shown;
        var filters = filtersActive();
        empty.hidden = shown.length > 0;
        emptyFilters.hidden = !filters;
        emptyWords.hidden = filters;
        clear.hidden = !filters;
        showSuggestions(found.suggestions);
        var browsing = found.browsing && !filters;
        status.textContent = shown.length === 0 ? "Không tìm thấy kết quả nào."
          : browsing ? "Danh bạ có " + shown.length + " tin. Gõ từ khóa hoặc chọn bộ lọc để thu hẹp."
          : "Tìm thấy " + shown.length + " kết quả" + (shown.length > state.shown ? ", đang hiện " + state.shown + "." : ".");
        box.setAttribute("data-q", q);
        box.setAttribute("data-shown", url);     // what is on screen answers this URL (tests wait on it)
        if (!box.hasAttribute("data-ready")) {
          box.setAttribute("data-ready", "1");
          if (root.performance && root.performance.mark) root.performance.mark("tk-first-result");
        }
      });
    }).catch(function () {
      if (mine !== turn) return;
      showFacets();
      status.textContent = "Không tải được chỉ mục tìm kiếm. Hãy tải lại trang.";
    });
  }

  function changed() {
    state.shown = PAGE_SIZE;
    writeUrl();
    render();
  }

  function fetchTable() {
    return root.fetch(box.getAttribute("data-table")).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.url);
      return response.json();
    });
  }

  readUrl();
  input.value = state.q;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    facetBox.classList.toggle("tk-facets--open", open);
  });
  Promise.all([engine.load(rootPath), fetchTable()]).then(function (loaded) {
    var table = loaded[1];
    if (table.build !== engine.manifest.build) {   // a cached table from another build
      return root.fetch(box.getAttribute("data-table") + "?v=" + engine.manifest.build)
        .then(function (response) { return response.json(); });
    }
    return table;
  }).then(function (table) {
    facts = decodeTable(table);
    labels = engine.labels;
    GROUPS = engine.manifest.facets;
    readUrl();
    pendingFacets = buildFacets();
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
})(window);
