// Parity helper for tests/test_search_parity.py: runs the *built* search script
// (tim-kiem.js, with lunr.js 2.3.9 from node_modules) under node.
// Reads one JSON request on stdin:
//   {"lunr": path, "script": path, "index": path|null, "queries": [...], "texts": [...],
//    "foldAll": bool}
// and prints {"search": {query: [[ref, score]...]}, "tokens": [[...]...],
//             "terms": {query: [[term, prefix]...]}, "fold": {codepoint: folded}}.
// "fold" lists every code point (surrogates excluded) whose fold differs from itself.
"use strict";
const fs = require("fs");

const request = JSON.parse(fs.readFileSync(0, "utf8"));
globalThis.lunr = require(request.lunr);
const search = require(request.script);

const out = { search: {}, tokens: [], terms: {}, fold: {} };
if (request.index) {
  const index = globalThis.lunr.Index.load(JSON.parse(fs.readFileSync(request.index, "utf8")));
  for (const q of request.queries || []) out.search[q] = search.search(index, q);
}
for (const q of request.queries || []) out.terms[q] = search.queryTerms(q);
for (const text of request.texts || []) out.tokens.push(search.tokens(text));
if (request.foldAll) {
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    const folded = search.fold(ch);
    if (folded !== ch) out.fold[cp] = folded;
  }
}
process.stdout.write(JSON.stringify(out));
