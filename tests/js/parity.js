// Parity and measuring helper for tests/test_search_parity.py and bench/: runs the *built*
// engine (tim-kiem-loi.js, with lunr.js 2.3.9 from node_modules) under node, reading the
// built shards from disk exactly as the browser fetches them.
// Reads one JSON request on stdin:
//   {"lunr": path, "core": path, "site": dir holding tim-kiem/ (or null), "queries": [...],
//    "cold": bool (a fresh engine, empty cache, per query), "limit": n, "texts": [...],
//    "scorer": "auto" | "lunr" | "vectors" (how the engine scores: see core.js),
//    "foldAll": bool, "telex": [...], "analyse": [...], "timing": bool}
// and prints {"search": {query: {results, fallback, notes, suggestions}}, "items": {query: [...]},
//             "files": {query: [paths fetched]}, "ms": {query: ms}, "tokens": [[...]...],
//             "terms": {query: [[term, prefix]...]}, "fold": {codepoint: folded}, "telex": {...}}.
// "fold" lists every code point (surrogates excluded) whose fold differs from itself.
"use strict";
const fs = require("fs");
const path = require("path");

const request = JSON.parse(fs.readFileSync(0, "utf8"));
globalThis.lunr = require(request.lunr);
const core = require(request.core);

function engine(files) {
  return core.create((rel) => {
    const clean = rel.split("?")[0];
    files.push(clean);
    return Promise.resolve(JSON.parse(fs.readFileSync(path.join(request.site, clean), "utf8")));
  }, { scorer: request.scorer || "auto" });
}

async function main() {
  const out = { search: {}, items: {}, files: {}, ms: {}, tokens: [], terms: {}, fold: {}, telex: {}, analyse: {} };
  if (request.site) {
    let files = [];
    let shared = engine(files);
    await shared.load("");
    for (const q of request.queries || []) {
      let e = shared;
      if (request.cold) {
        files = [];
        e = engine(files);
        await e.load("");
      }
      const start = process.hrtime.bigint();
      const found = await e.search(q);
      out.ms[q] = Number(process.hrtime.bigint() - start) / 1e6;
      out.search[q] = found;
      if (request.limit) {
        const answer = await e.query(q, { limit: request.limit });
        out.items[q] = answer.results.map((r) => [r.ref, r.score, r.item.u]);
      }
      if (request.cold) out.files[q] = files;
    }
  }
  for (const q of request.queries || []) out.terms[q] = core.queryTerms(q);
  for (const text of request.texts || []) out.tokens.push(core.tokens(text));
  for (const word of request.telex || []) out.telex[word] = core.telex(word);
  if (request.foldAll) {
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const folded = core.fold(ch);
      if (folded !== ch) out.fold[cp] = folded;
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => { process.stderr.write(String(error.stack || error)); process.exit(1); });
