/*
 * Type-ahead in the theme's header search box, from the directory's own search.
 *
 * The box (site_templates/overrides/partials/search.html) is a GET form to /tim-kiem/?q=…,
 * so Enter opens the search page even without JavaScript. This script adds results while
 * typing: the first time the box is used it loads the search code of /tim-kiem/ (lunr.js and
 * the search core, whose file names the box carries in data-scripts) and asks it through
 * window.SCPSearch (load(root), query(text, {limit})), so folding, typos and ranking are
 * those of the search page. Listing text is written with textContent only. A file, so the
 * strict CSP holds; it fetches nothing until the box is used.
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-scp-search]");
  if (!box) return;
  var input = box.querySelector("input[name=q]");
  var form = box.querySelector("form");
  var list = document.getElementById("scp-ta-list");
  var status = document.getElementById("scp-ta-status");
  var toggle = document.getElementById("__search");
  var root = box.getAttribute("data-root") || "./";
  var LIMIT = 8;
  var loading = null, timer = null, active = -1, asked = "";

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root + src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(script);
    });
  }

  function load() {
    if (!loading) {
      var scripts = (box.getAttribute("data-scripts") || "").split(" ").filter(Boolean);
      loading = scripts.reduce(function (chain, src) {
        return chain.then(function () { return addScript(src); });
      }, Promise.resolve()).then(function () { return window.SCPSearch.load(root); });
    }
    return loading;
  }

  function option(result, index) {
    var item = result.item;
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    li.id = "scp-ta-" + index;
    li.setAttribute("role", "option");
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = root + item.u;
    link.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article";
    var title = document.createElement("h1");
    title.textContent = item.n;
    if (item.m) {
      var badge = document.createElement("span");
      badge.className = "scp-badge scp-badge--sample";
      badge.textContent = "Dữ liệu mẫu";
      title.appendChild(document.createTextNode(" "));
      title.appendChild(badge);
    }
    var meta = document.createElement("p");
    var labels = window.SCPSearch.labels || {};
    meta.textContent = [labels.k && labels.k[item.k], labels.p && labels.p[item.p], item.o]
      .filter(Boolean).join(" · ");
    article.appendChild(title);
    article.appendChild(meta);
    link.appendChild(article);
    li.appendChild(link);
    return li;
  }

  function show(text, answer) {
    if (text !== input.value) return;  // a newer keystroke is on its way
    var results = answer.results.slice(0, LIMIT);
    list.replaceChildren.apply(list, results.map(option));
    list.setAttribute("data-query", text);  // what these suggestions answer (tests wait for it)
    active = -1;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
    var more = answer.results.length > LIMIT ? " Nhấn Enter để xem tất cả." : "";
    status.textContent = results.length
      ? (answer.fallback ? "Không có tin khớp mọi từ; đang hiện tin khớp nhiều từ nhất." : "")
        + (answer.results.length > LIMIT ? "Hơn " + LIMIT : results.length) + " kết quả." + more
      : "Không tìm thấy kết quả nào." + (answer.suggestions && answer.suggestions.length
        ? " Thử: " + answer.suggestions.join(", ") + "." : "");
  }

  function update() {
    var text = input.value;
    if (text === asked) return;
    asked = text;
    if (!text.trim()) {
      list.replaceChildren();
      status.textContent = "Gõ để tìm: sản phẩm, cơ sở tái chế, tin chào bán, nhu cầu mua…";
      return;
    }
    load().then(function () {
      return window.SCPSearch.query(text, { limit: LIMIT + 1 });
    }).then(function (answer) { show(text, answer); }, function () {
      status.textContent = "Không tải được tìm kiếm; nhấn Enter để mở trang tìm kiếm.";
    });
  }

  function move(step) {
    var items = list.children;
    if (!items.length) return;
    if (active >= 0) items[active].removeAttribute("aria-selected");
    active = (active + step + items.length) % items.length;
    items[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  input.addEventListener("focus", function () { load().catch(function () {}); });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 80);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = list.children[active].querySelector("a").href;
    } else if (event.key === "Escape" && toggle) {
      toggle.checked = false;
      input.blur();
    }
  });
  form.addEventListener("submit", function (event) {
    if (!input.value.trim()) event.preventDefault();
  });
  if (toggle) {
    toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
  }
})();
