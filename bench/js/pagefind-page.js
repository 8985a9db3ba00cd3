/* Pagefind in our search page, for bench/run.py (bench/pagefind.py copies it into the built
 * site). Takes the header search out as tim-kiem.js does, imports Pagefind's own JS API from
 * /pagefind/, searches ?q= and shows the first 10 results as .tk-result items (title and
 * link, from each result's fragment), as its default UI does 5 at a time.
 * window.pagefindSearch(q, n) returns the URLs of the first n results (search_quality.py). */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(
    '[data-md-component="search"], .md-header__button[for="__search"]'), function (node) {
    node.parentNode.removeChild(node);
  });
  var ready = import("../pagefind/pagefind.js").then(function (pagefind) {
    return pagefind.options({ baseUrl: "/" }).then(function () { return pagefind; });
  });
  window.pagefindSearch = function (q, n) {
    return ready.then(function (pagefind) { return pagefind.search(q); }).then(function (found) {
      return Promise.all(found.results.slice(0, n).map(function (r) { return r.data(); }));
    }).then(function (data) { return data.map(function (d) { return d.url; }); });
  };
  var q = new URLSearchParams(location.search).get("q");
  if (!q) return;
  ready.then(function (pagefind) { return pagefind.search(q); }).then(function (found) {
    return Promise.all(found.results.slice(0, 10).map(function (r) { return r.data(); }));
  }).then(function (data) {
    var list = document.getElementById("tk-results"), status = document.getElementById("tk-status");
    data.forEach(function (d) {
      var li = document.createElement("li"), a = document.createElement("a");
      li.className = "tk-result";
      a.className = "tk-name";
      a.href = d.url;
      a.textContent = (d.meta && d.meta.title) || d.url;
      li.appendChild(a);
      list.appendChild(li);
    });
    status.textContent = data.length ? "Pagefind: " + data.length + " kết quả đầu." : "Không tìm thấy kết quả nào.";
    document.getElementById("tk").setAttribute("data-ready", "1");
  });
})();
