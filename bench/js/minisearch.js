// MiniSearch 7 over our index documents, for bench/search_quality.py. Reads one JSON request
// on stdin: {"minisearch": path, "fields": [...], "boost": {field: n}, "docs": [{id, ...}],
// "queries": [...]} and prints {query: [ids best first]}.
// Settings are MiniSearch's documented ones for search-as-you-type: prefix search, fuzzy 0.2,
// OR between words (its default), field boosts as ours; terms folded like ours (đ→d, no
// diacritics, lower case) so that it is not penalised for Vietnamese.
"use strict";
const fs = require("fs");
const request = JSON.parse(fs.readFileSync(0, "utf8"));
const loaded = require(require("path").join(request.minisearch, "dist/cjs/index.cjs"));
const MiniSearch = loaded.default || loaded;

const fold = (t) => t.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
const ms = new MiniSearch({
  fields: request.fields,
  storeFields: ["id"],
  processTerm: (term) => fold(term),
  searchOptions: { boost: request.boost, prefix: true, fuzzy: 0.2, combineWith: "OR" },
});
ms.addAll(request.docs);
const out = {};
for (const q of request.queries) out[q] = ms.search(q).slice(0, 50).map((r) => r.id);
process.stdout.write(JSON.stringify(out));
