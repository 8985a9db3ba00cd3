/*
 * Tìm kiếm trong danh bạ: bộ máy / The directory's search engine (tim-kiem-loi.js).
 *
 * API, in the browser (needs lunr.js 2.3.9 loaded first, as window.lunr):
 *
 *   SCPSearch.load(rootUrl) -> Promise
 *       rootUrl: the site root relative to the page ("../", "../../", "" on the home page);
 *       the search files live at rootUrl + "tim-kiem/". Resolves once queries can be
 *       answered (the manifest, chi-muc.json, is in). Calling it again returns the same
 *       promise. Nothing else is fetched until a query needs it.
 *   SCPSearch.query(text, {limit}) -> Promise of
 *       {results: [{ref, score, item}], fallback, notes, suggestions}
 *       best first, at most `limit` results (default 10). `item` is the display record:
 *       n name, u path from the site root ("san-pham/tui-giay/"), k kind code, p province
 *       code, o organisation name, st certificate status code (valid, expiring, not_yet,
 *       expired), e exhibition "sap-toi"/"da-qua", d exhibition dates, m 1 for sample data.
 *       `fallback` is true when no listing matched every word and the results are those
 *       matching the most words; `notes` are sentences to show (a typo read, a shorthand or a
 *       former province understood, filler words dropped); `suggestions` are queries to
 *       offer when nothing matched (or when a shorthand is ambiguous, "dn").
 *   SCPSearch.search(text) -> Promise of {results: [[ref, score]], fallback, notes,
 *       suggestions}: every match, without records (the search page counts facets on it).
 *   SCPSearch.records(refs) -> Promise of the display records of these refs, in order.
 *   SCPSearch.labels  (after load) labels of codes: k kinds, p provinces, s sectors, r regions,
 *       c schemes, st statuses, e exhibition times: e.g. SCPSearch.labels.k[item.k].
 *   SCPSearch.manifest (after load) the manifest (facets, rules, messages, shard layout).
 *   SCPSearch.queryTerms(text) the folded words of a query, each with whether it is the
 *       unfinished last word (no fetch: e.g. to wait for two letters before querying).
 *
 * One letter alone is a word, not a prefix; after other words it only filters them ("den l").
 * Queries may be sent on every keystroke: shards already fetched are kept, and an answer
 * takes a few milliseconds at 10,000 listings once they are in (docs/performance.md).
 *
 * The index is built by directory/search.py (lunr.py); this file never indexes. Queries run
 * the same steps as query.py::query, and return the same refs and scores
 * (tests/test_search_parity.py). The index comes in shards (see search.py): term shards
 * t<i>.json with postings and field-vector weights, record shards d<i>.json, prefix
 * document sets p-<x>.json and the dictionary tu.json; for each query this file fetches
 * the shards it needs and builds a partial lunr.Index from them. The pipeline function
 * "vnFold" folds like directory/text.py::fold (đ→d, NFD, drop combining marks, lower-case)
 * and splits on anything but a-z0-9; the build replaces the combining-mark placeholder
 * below with the exact set Python's unicodedata.combining() flags.
 *
 * Under node (tests, bench) the module exports the pure functions and create(fetchJson),
 * an engine reading files through the given function; no DOM is touched.
 */
(function (root) {
  "use strict";

  var lunr = root.lunr || (typeof require === "function" ? require("lunr") : null);
  var COMBINING = new RegExp("__COMBINING_MARKS__", "gu");
  var NON_ALNUM = /[^a-z0-9]+/;
  var VI_RUN = /[a-z0-9àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]+/g;
  var ID_RUN = /[a-z0-9]+(?:[./-][a-z0-9]+)+|(?<![0-9])[0-9]{10} +[0-9]{3}(?![0-9])/g;
  var ASCII = /^[\x00-\x7f]*$/;
  var ALPHA = /^[a-z]+$/;
  var LETTERS = "abcdefghijklmnopqrstuvwxyz";
  var DIR = "tim-kiem/";
  var LUNR_AT_MOST = 300;   // more listings to score than this: Store.vectorScores

  /* ---- Text ------------------------------------------------------------------------- */

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

  function parts(text) { return text.split(NON_ALNUM).filter(Boolean); }

  function round6(x) { return Math.floor(x * 1e6 + 0.5) / 1e6; }

  /* [folded word, unfinished last word?] */
  function queryTerms(text) {
    var words = tokens(text);
    var prefix = /[a-z0-9]$/.test(fold(text));
    return words.map(function (w, i) { return [w, prefix && i === words.length - 1]; });
  }

  var TONE_END = /^(.*[aeiouy].*)[sfrxjz]$/;
  var TONE_MID = /^(.*[aeiouy])[sfrxj](c|ch|m|n|ng|nh|p|t)$/;

  /* What a Telex typist meant when the keys stayed in: "taif" -> ["tai"]. */
  function telex(word) {
    var variants = [word], out = [];
    [TONE_END, TONE_MID].forEach(function (pattern) {
      var m = pattern.exec(word);
      if (m) variants.push(m.slice(1).join(""));
    });
    variants.forEach(function (v) {
      v = v.replace(/dd/g, "d").replace(/([aeo])\1/g, "$1").replace(/(?<=[aeiouy])w|w(?=[aeiouy])/g, "");
      if (v !== word && v && out.indexOf(v) < 0) out.push(v);
    });
    return out;
  }

  /* Every string one edit away: swaps, deletions, substitutions, insertions. */
  function edits1(word) {
    var out = [], seen = new Set(), i, j;
    function add(s) { if (!seen.has(s)) { seen.add(s); out.push(s); } }
    for (i = 0; i < word.length - 1; i++) add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
    for (i = 0; i < word.length; i++) add(word.slice(0, i) + word.slice(i + 1));
    for (i = 0; i < word.length; i++) {
      for (j = 0; j < 26; j++) if (LETTERS[j] !== word[i]) add(word.slice(0, i) + LETTERS[j] + word.slice(i + 1));
    }
    for (i = 0; i <= word.length; i++) for (j = 0; j < 26; j++) add(word.slice(0, i) + LETTERS[j] + word.slice(i));
    return out;
  }

  /* Optimal-string-alignment distance, capped at limit + 1. */
  function osa(a, b, limit) {
    limit = limit === undefined ? 2 : limit;
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null, prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      var cur = [i];
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
      }
      prev2 = prev;
      prev = cur;
    }
    return Math.min(prev[b.length], limit + 1);
  }

  function commonPrefix(a, b) {
    var n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  }

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function sameList(a, b) {
    return a.length === b.length && a.every(function (x, i) { return x === b[i]; });
  }

  function format(messages, key, args) {
    var text = messages[key];
    args.forEach(function (arg, i) { text = text.split("{" + i + "}").join(arg); });
    return text;
  }

  /* ---- Step 1: slots, without the index (query.py::analyse) ------------------------- */

  function pairExact(text, words) {
    var runs = String(text).normalize("NFC").toLowerCase().match(VI_RUN) || [];
    var out = [], j = 0;
    words.forEach(function (w) {
      var found = null;
      for (var k = j; k < runs.length; k++) {
        if (fold(runs[k]) === w) {
          found = ASCII.test(runs[k]) ? null : runs[k];
          j = k + 1;
          break;
        }
      }
      out.push(found);
    });
    return out;
  }

  function analyse(text, rules) {
    var words = tokens(text), folded = fold(text);
    var prefix = /[a-z0-9]$/.test(folded);
    var exacts = pairExact(text, words);
    var runs = {}, m;
    ID_RUN.lastIndex = 0;
    while ((m = ID_RUN.exec(folded)) !== null) {
      if (!/[0-9]/.test(m[0])) continue;
      var ps = parts(m[0]), start = parts(folded.slice(0, m.index)).length;
      if (sameList(words.slice(start, start + ps.length), ps)) runs[start] = ps;
    }
    var slots = [], i = 0;
    while (i < words.length) {
      if (runs[i]) {
        slots.push(slot("id", runs[i], { joined: runs[i].join("") }));
        i += runs[i].length;
        continue;
      }
      var matched = false;
      for (var len = Math.min(rules.longest, words.length - i); len > 0; len--) {
        var entry = rules.placeMap.get(words.slice(i, i + len).join(" "));
        if (entry) {
          slots.push(slot("place", words.slice(i, i + len), { place: entry, stop: entry[1] === "stop" }));
          i += len;
          matched = true;
          break;
        }
      }
      if (!matched) {
        slots.push(slot("word", [words[i]], { exact: exacts[i], stop: rules.stopSet.has(words[i]) }));
        i += 1;
      }
    }
    if (prefix && slots.length && slots[slots.length - 1].kind === "word") {
      slots[slots.length - 1].kind = "prefix";
      slots[slots.length - 1].stop = false;
    }
    return { words: words, slots: slots };
  }

  function slot(kind, words, extra) {
    var s = { kind: kind, words: words, exact: null, stop: false, place: null, joined: "", alternatives: [],
              docset: null, fixes: [], unknown: false };
    Object.keys(extra || {}).forEach(function (k) { s[k] = extra[k]; });
    return s;
  }

  function prepareRules(rules) {
    if (rules.placeMap) return rules;
    rules.placeMap = new Map();
    rules.longest = 0;
    rules.places.forEach(function (entry) {
      rules.placeMap.set(entry[0].join(" "), entry);
      rules.longest = Math.max(rules.longest, entry[0].length);
    });
    rules.stopSet = new Set(rules.stop);
    rules.syntheticSet = new Set(rules.synthetic);
    rules.ambiguousMap = new Map(rules.ambiguous);
    return rules;
  }

  /* ---- Steps 2-3: alternatives (query.py::resolve, ::corrections) --------------------- */

  function corrections(word, know, rules) {
    var dict = know.dictionary();
    var fixes = telex(word).filter(function (w) { return dict.df.has(w); });
    if (fixes.length || !(ALPHA.test(word) && word.length >= rules.minFuzzy)) return fixes;
    var near = edits1(word).filter(function (w) { return w.length >= 3 && dict.df.has(w); });
    near.sort(function (a, b) { return (dict.df.get(b) - dict.df.get(a)) || cmp(a, b); });
    return near.slice(0, rules.maxFixes);
  }

  function resolve(slots, know, rules) {
    var lone = slots.length === 1, folded = rules.fields;
    slots.forEach(function (s) {
      var w = s.words[0];
      if (s.kind === "prefix") {
        if (w.length === 1 && lone) {
          s.kind = "word";
        } else if (w.length === 1 || know.heavy(w)) {
          var ds = know.docset(w);
          if (ds[0].length || ds[1].length) { s.docset = ds; return; }
          s.kind = "word";
        } else {
          var completions = know.completions(w);
          if (completions.length) {
            s.alternatives = completions.map(function (c) { return [[c, folded, c === w ? 1 : rules.completionBoost]]; });
            return;
          }
          if (know.incomplete) return;      // its shards are on the way: decide on the next round
          s.kind = "word";
        }
      }
      if (s.kind === "word") {
        if (know.known(w)) {
          s.alternatives = [[[w, folded, 1]]];
        } else if (know.settled(w)) {       // (not before its shard is in: no dictionary for nothing)
          s.fixes = corrections(w, know, rules);
          s.alternatives = s.fixes.map(function (c) { return [[c, folded, 1]]; });
          s.unknown = !s.fixes.length;
        }
      } else if (s.kind === "place") {
        var fields = s.stop ? folded : rules.placeFields;
        if (s.words.every(function (x) { return know.known(x); })) {
          s.alternatives.push(s.words.map(function (x) { return [x, fields, 1]; }));
        }
        s.place[2].forEach(function (code) {
          var token = code.split("_").join("");
          if (know.known(token)) s.alternatives.push([[token, ["province"], 1]]);
        });
      } else if (s.kind === "id") {
        if (know.known(s.joined)) s.alternatives.push([[s.joined, rules.idFields, 1]]);
        if (s.words.every(function (x) { return know.known(x); })) {
          s.alternatives.push(s.words.map(function (x) { return [x, folded, 1]; }));
        }
      }
    });
  }

  /* Every lunr clause [term, fields, boost]: the slots' alternatives, then the scoring-only
     clauses; a (term, fields) pair once, with its first boost. */
  function clauses(words, slots, know, rules) {
    var out = [], seen = new Set();
    function add(term, fields, boost) {
      var key = term + "\u0000" + fields.join(",");
      if (!seen.has(key)) { seen.add(key); out.push([term, fields, boost]); }
    }
    slots.forEach(function (s) {
      s.alternatives.forEach(function (alt) { alt.forEach(function (c) { add(c[0], c[1], c[2]); }); });
    });
    slots.forEach(function (s) {
      if ((s.kind === "word" || s.kind === "prefix") && s.exact && !s.fixes.length && know.known(s.exact)) {
        add(s.exact, [rules.exact], 1);
      }
    });
    rules.certs.forEach(function (entry) {
      var phrase = entry[0], n = phrase.length;
      for (var i = 0; i + n <= words.length; i++) {
        if (sameList(words.slice(i, i + n), phrase)) {
          if (know.known(entry[1])) add(entry[1], ["cert"], 1);
          break;
        }
      }
    });
    return out;
  }

  /* ---- Step 5: every slot required, else without filler, else most slots ------------- */

  function typed(s) { return s.exact || s.words.join(" "); }

  /* Which listings each slot holds, from the postings (what query.py reads in lunr's match
     data): a clause (term, fields) holds the refs of the term's postings in those fields. */
  function slotMasks(p, store) {
    var n = store.manifest.n, masks = new Map(), pool = new Uint8Array(n);
    p.clauses.forEach(function (c) {
      var mask = new Uint8Array(n), found = store.postings(c[0]).fields;
      found.forEach(function (block) {
        if (c[1].indexOf(block[0]) < 0) return;
        for (var k = 0; k < block[1].length; k++) { mask[block[1][k]] = 1; pool[block[1][k]] = 1; }
      });
      masks.set(c[0] + "\u0000" + c[1].join(","), mask);
    });
    var slots = p.slots.map(function (s) {
      var mask = new Uint8Array(n);
      if (s.docset) {
        s.docset[0].forEach(function (r) { mask[r] = 1; });
        s.docset[1].forEach(function (r) { mask[r] = 1; });
        return mask;
      }
      s.alternatives.forEach(function (alt) {
        var parts = alt.map(function (c) { return masks.get(c[0] + "\u0000" + c[1].join(",")); });
        for (var r = 0; r < n; r++) {
          if (!mask[r] && parts.every(function (m) { return m[r]; })) mask[r] = 1;
        }
      });
      return mask;
    });
    return { pool: pool, slots: slots };
  }

  /* The same answer as query.py::_steps over a full lunr run, computed the other way round:
     which listings pass first, then lunr scores only those (a listing's score depends on its
     own field vectors and the query, not on the other listings). */
  function evaluate(p, store, notes, messages) {
    var slots = p.slots;
    if (slots.length === 1 && slots[0].docset) {
      var lone = slots[0].docset[0].map(function (r) { return [String(r), 1]; })
        .concat(slots[0].docset[1].map(function (r) { return [String(r), 0.5]; }));
      lone.sort(function (a, b) { return (b[1] - a[1]) || (Number(a[0]) - Number(b[0])); });
      return [lone, false];
    }
    if (!p.clauses.length) return [[], false];
    var m = slotMasks(p, store), n = store.manifest.n, stop = slots.map(function (s) { return s.stop; });
    var rows = [];
    for (var r = 0; r < n; r++) {
      if (m.pool[r]) rows.push([r, m.slots.map(function (mask) { return mask[r] === 1; })]);
    }
    var chosen = rows.filter(function (row) { return row[1].every(Boolean); }), mode = "strict";
    if (!chosen.length && stop.some(Boolean) && !stop.every(Boolean)) {
      chosen = rows.filter(function (row) { return row[1].every(function (ok, i) { return ok || stop[i]; }); });
      mode = "loose";
    }
    if (!chosen.length) {
      chosen = [];
      rows.forEach(function (row) {
        var main = 0, filler = 0;
        row[1].forEach(function (ok, i) { if (ok) { if (stop[i]) filler++; else main++; } });
        if (main || (stop.every(Boolean) && filler)) chosen.push([row[0], row[1], main, filler]);
      });
      mode = "most";
    }
    if (!chosen.length) return [[], false];
    var refs = chosen.map(function (row) { return row[0]; });
    var byLunr = store.scorer === "lunr" || (store.scorer !== "vectors" && refs.length <= LUNR_AT_MOST);
    var scores = byLunr ? store.scores(p.clauses, refs) : store.vectorScores(p.clauses, refs);
    var out = chosen.map(function (row) { return [String(row[0]), round6(scores.get(String(row[0]))), row[2], row[3]]; });
    if (mode === "most") {
      notes.push(messages.most);
      out.sort(function (a, b) {
        return (b[2] - a[2]) || (b[3] - a[3]) || (b[1] - a[1]) || (Number(a[0]) - Number(b[0]));
      });
    } else {
      if (mode === "loose") {
        notes.push(format(messages, "stop", [slots.filter(function (s) { return s.stop; }).map(typed).join(", ")]));
      }
      out.sort(function (a, b) { return (b[1] - a[1]) || (Number(a[0]) - Number(b[0])); });
    }
    return [out.map(function (row) { return [row[0], row[1]]; }), mode === "most"];
  }

  function suggest(words, slots, know) {
    var out = [], dict = know.dictionary();
    slots.forEach(function (s) {
      if (!s.unknown) return;
      var w = s.words[0];
      var near = dict.words.map(function (d) { return [osa(w, d), -dict.df.get(d), d]; });
      near.sort(function (a, b) { return (a[0] - b[0]) || (a[1] - b[1]) || cmp(a[2], b[2]); });
      var best = near.filter(function (x) { return x[0] <= 2; }).slice(0, 3).map(function (x) { return x[2]; });
      if (!best.length) {
        var lcp = dict.words.map(function (d) { return [-commonPrefix(w, d), -dict.df.get(d), d]; });
        lcp.sort(function (a, b) { return (a[0] - b[0]) || (a[1] - b[1]) || cmp(a[2], b[2]); });
        best = lcp.filter(function (x) { return x[0] < 0; }).slice(0, 3).map(function (x) { return x[2]; });
      }
      var at = words.indexOf(w);
      best.forEach(function (d) { out.push(words.slice(0, at).concat([d], words.slice(at + 1)).join(" ")); });
    });
    return out;
  }

  function phrase(name) { return parts(fold(name.replace(/^Thành phố /, ""))).join(" "); }

  /* The notes and suggestions that do not depend on scores (query.py::query). */
  function describe(words, slots, manifest) {
    var rules = manifest.rules, messages = manifest.messages, notes = [], suggestions = [];
    slots.forEach(function (s) {
      if (s.fixes.length) {
        notes.push(format(messages, "fix", [s.words[0], s.fixes.join(" / ")]));
      } else if (s.kind === "place" && s.place[1] === "former") {
        var now = s.place[2].map(function (c) { return rules.provinces[c]; }).join(messages.or);
        notes.push(format(messages, "former", [s.place[3], now]));
      } else if (s.kind === "place" && s.place[1] === "place") {
        notes.push(format(messages, "place", [s.words.join(" "), s.place[3]]));
      }
    });
    slots.forEach(function (s) {
      if ((s.kind === "word" || s.kind === "prefix") && rules.ambiguousMap.has(s.words[0])) {
        var options = rules.ambiguousMap.get(s.words[0]);
        notes.push(format(messages, "ambiguous", [s.words[0],
          options.map(function (c) { return rules.provinces[c]; }).join(messages.or)]));
        var at = words.indexOf(s.words[0]);
        options.forEach(function (c) {
          suggestions.push(words.slice(0, at).concat([phrase(rules.provinces[c])], words.slice(at + 1)).join(" "));
        });
      }
    });
    return [notes, suggestions];
  }

  /* ---- Shards ---------------------------------------------------------------------- */

  /* What the steps ask of the index, answered from the shards fetched so far; a question
     whose shard is missing is noted in `missing` (answered "no"), and the query runs again
     once the shards are in. */
  function Knowledge(store) {
    this.store = store;
    this.missing = new Set();
  }

  Knowledge.prototype.shard = function (i) {
    var s = this.store.terms.get(i);
    if (!s) this.missing.add("t" + i);
    return s;
  };

  Knowledge.prototype.known = function (term) {
    var i = this.store.shardOf(term);
    if (i < 0) return false;
    var s = this.shard(i);
    return s ? s.map.has(term) : false;
  };

  /* Whether the shard that would hold `term` is in (else it is asked for). */
  Knowledge.prototype.settled = function (term) {
    var i = this.store.shardOf(term);
    return i < 0 || Boolean(this.shard(i));
  };

  Knowledge.prototype.completions = function (prefix) {
    var first = this.store.manifest.terms.first, end = prefix + "{", out = [], complete = true;
    var synthetic = this.store.manifest.rules.syntheticSet;
    for (var i = Math.max(this.store.shardOf(prefix), 0); i < first.length && first[i] < end; i++) {
      var s = this.shard(i);
      if (!s) { complete = false; this.incomplete = true; continue; }
      s.list.forEach(function (t) {
        if (t.lastIndexOf(prefix, 0) === 0 && ASCII.test(t) && !synthetic.has(t)) out.push(t);
      });
    }
    return complete ? out : [];
  };

  Knowledge.prototype.heavy = function (prefix) {
    return prefix.length === 2 && this.store.docsetNames.has(prefix);
  };

  Knowledge.prototype.docset = function (prefix) {
    if (!this.store.docsetNames.has(prefix)) return [[], []];
    var ds = this.store.docsets.get(prefix);
    if (!ds) { this.missing.add("p-" + prefix); return [[], []]; }
    return ds;
  };

  Knowledge.prototype.dictionary = function () {
    if (!this.store.dict) { this.missing.add("tu"); return { words: [], df: new Map() }; }
    return this.store.dict;
  };

  function undelta(list) {
    var out = new Array(list.length), r = 0;
    for (var i = 0; i < list.length; i++) { r += list[i]; out[i] = r; }
    return out;
  }

  function Store(manifest, fetchFile) {
    this.manifest = manifest;
    this.fetchFile = fetchFile;
    this.terms = new Map();
    this.docsets = new Map();
    this.docsetNames = new Set(manifest.docsets);
    this.dict = null;
    this.recordShards = new Map();
    this.pending = new Map();
  }

  Store.prototype.shardOf = function (term) {
    var first = this.manifest.terms.first, lo = 0, hi = first.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (first[mid] <= term) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  };

  Store.prototype.get = function (name) {
    var self = this;
    if (!this.pending.has(name)) {
      this.pending.set(name, this.fetchFile("chi-muc/" + name + ".json").then(function (data) {
        self.accept(name, data);
      }, function (error) { self.pending.delete(name); throw error; }));
    }
    return this.pending.get(name);
  };

  Store.prototype.accept = function (name, data) {
    if (name === "tu") {
      var words = data.w ? data.w.split(" ") : [], df = new Map();
      words.forEach(function (w, k) { df.set(w, data.f[k]); });
      this.dict = { words: words, df: df };
    } else if (name[0] === "t") {
      var i = Number(name.slice(1)), start = this.manifest.terms.start[i], map = new Map(), list = [];
      data.t.forEach(function (entry, k) { map.set(entry[0], { entry: entry, number: start + k }); list.push(entry[0]); });
      this.terms.set(i, { map: map, list: list });
    } else if (name[0] === "d") {
      this.recordShards.set(Number(name.slice(1)), data);
    } else if (name.lastIndexOf("p-", 0) === 0) {
      this.docsets.set(name.slice(2), [undelta(data.n), undelta(data.o)]);
    }
  };

  /* Postings of one term: [[field, refs, weights]...], decoded once. */
  Store.prototype.postings = function (term) {
    var s = this.terms.get(this.shardOf(term)), hit = s.map.get(term);
    if (!hit.decoded) {
      var e = hit.entry, out = [], j = 1;
      while (j < e.length) {
        var f = e[j], count = e[j + 1], refs = new Int32Array(count), weights = new Float64Array(count), r = 0;
        for (var k = 0; k < count; k++) {
          r += e[j + 2 + k];
          refs[k] = r;
          weights[k] = e[j + 2 + count + k] / 1000;
        }
        out.push([this.manifest.fields[f], refs, weights]);
        j += 2 + 2 * count;
      }
      hit.decoded = out;
      hit.entry = null;
    }
    return { number: hit.number, fields: hit.decoded };
  };

  /* The field vectors of every listing, holding the entries of the terms used so far: an
     entry lunr's query does not ask for changes no dot product, so they are kept and grown. */
  Store.prototype.vectors = function (terms) {
    var self = this;
    if (!this.fieldVectors) { this.fieldVectors = Object.create(null); this.inVectors = new Set(); }
    var vectors = this.fieldVectors;
    terms.forEach(function (t) {
      if (self.inVectors.has(t)) return;
      self.inVectors.add(t);
      var p = self.postings(t);
      p.fields.forEach(function (block) {
        var field = block[0], found = block[1], weights = block[2];
        for (var k = 0; k < found.length; k++) {
          var key = field + "/" + found[k], vector = vectors[key];
          if (!vector) vectors[key] = new lunr.Vector([p.number, weights[k]]);
          else vector.insert(p.number, weights[k]);
        }
      });
    });
    return vectors;
  };

  var NO_METADATA = Object.freeze({});

  /* lunr's scores of `refs` for these clauses: a lunr.Index holding the clauses' terms with
     their postings among `refs` (a listing's score depends on its own field vectors only). */
  Store.prototype.scores = function (wanted, refs) {
    var self = this, fields = this.manifest.fields, mask = new Uint8Array(this.manifest.n);
    refs.forEach(function (r) { mask[r] = 1; });
    var terms = Array.from(new Set(wanted.map(function (c) { return c[0]; })));
    var invertedIndex = Object.create(null);
    terms.forEach(function (t) {
      var p = self.postings(t), posting = { _index: p.number };
      fields.forEach(function (f) { posting[f] = {}; });
      p.fields.forEach(function (block) {
        var found = block[1], target = posting[block[0]];
        for (var k = 0; k < found.length; k++) if (mask[found[k]]) target[found[k]] = NO_METADATA;
      });
      invertedIndex[t] = posting;
    });
    var index = new lunr.Index({
      invertedIndex: invertedIndex, fieldVectors: this.vectors(terms),
      tokenSet: lunr.TokenSet.fromArray(terms.slice().sort()), fields: fields, pipeline: new lunr.Pipeline()
    });
    var out = new Map();
    index.query(function (q) {
      wanted.forEach(function (c) { q.term(c[0], { usePipeline: false, fields: c[1], boost: c[2] }); });
    }).forEach(function (result) { out.set(result.ref, result.score); });
    return out;
  };

  /* lunr's scores of `refs`, computed the way lunr.Index.query computes them but over typed
     arrays, for large answers (a common word at 10,000 listings: lunr's query allocates a
     few objects per posting and takes ~100 ms). The query vectors are lunr.Vectors built by
     the same upserts as lunr's query; a listing's field score is the dot product with its
     field vector (the entries at the query's terms, added in term order from 0, as
     lunr.Vector.dot adds them) over the query vector's magnitude; a listing's score adds its
     field scores in the order lunr meets them (clause by clause, field by field). The same
     floating-point operations in the same order: the same numbers (tests/test_search_parity.py
     runs every query both ways). */
  Store.prototype.vectorScores = function (wanted, refs) {
    var self = this, fields = this.manifest.fields, n = this.manifest.n, nf = fields.length;
    var mask = new Uint8Array(n), order = new Int8Array(n * nf), count = new Uint8Array(n);
    refs.forEach(function (r) { mask[r] = 1; });
    var queryVectors = fields.map(function () { return new lunr.Vector(); });
    var number = Object.create(null), blocks = Object.create(null), seen = new Set();
    wanted.forEach(function (c) {
      var p = self.postings(c[0]);
      number[c[0]] = p.number;
      var byField = blocks[c[0]] || (blocks[c[0]] = {});
      p.fields.forEach(function (block) { byField[block[0]] = block; });
      c[1].forEach(function (field) {
        var f = fields.indexOf(field);
        queryVectors[f].upsert(p.number, c[2], function (x, y) { return x + y; });
        if (seen.has(c[0] + "/" + field)) return;
        seen.add(c[0] + "/" + field);
        var block = byField[field];
        if (!block) return;
        for (var k = 0; k < block[1].length; k++) {
          var r = block[1][k];
          if (!mask[r]) continue;
          var has = false;
          for (var x = 0; x < count[r]; x++) if (order[r * nf + x] === f) { has = true; break; }
          if (!has) order[r * nf + count[r]++] = f;
        }
      });
    });
    var termOf = Object.create(null);
    Object.keys(number).forEach(function (t) { termOf[number[t]] = t; });
    var dots = fields.map(function (field, f) {
      var acc = new Float64Array(n), elements = queryVectors[f].elements;
      for (var i = 0; i < elements.length; i += 2) {
        var block = blocks[termOf[elements[i]]][field], q = elements[i + 1];
        if (!block) continue;
        for (var k = 0; k < block[1].length; k++) if (mask[block[1][k]]) acc[block[1][k]] += q * block[2][k];
      }
      return acc;
    });
    var magnitudes = queryVectors.map(function (v) { return v.magnitude(); }), out = new Map();
    refs.forEach(function (r) {
      var score = 0;
      for (var x = 0; x < count[r]; x++) {
        var f = order[r * nf + x], s = dots[f][r] / magnitudes[f] || 0;
        score = x === 0 ? s : score + s;
      }
      if (count[r]) out.set(String(r), score);
    });
    return out;
  };

  /* ---- The engine ------------------------------------------------------------------- */

  /* fetchJson(path relative to the site root) -> Promise of parsed JSON. */
  function create(fetchJson, options) {
    var engine = { manifest: null, labels: null }, store = null, loading = null;
    var scorer = (options && options.scorer) || "auto";   // "lunr", "vectors": tests run both

    engine.load = function (rootUrl) {
      if (loading) return loading;
      var base = rootUrl || "";
      loading = fetchJson(base + DIR + "chi-muc.json").then(function (manifest) {
        prepareRules(manifest.rules);
        engine.manifest = manifest;
        engine.labels = manifest.labels;
        store = new Store(manifest, function (name) {
          return fetchJson(base + DIR + name + "?v=" + manifest.build);
        });
        store.scorer = scorer;
        return engine;
      });
      loading.catch(function () { loading = null; });
      return loading;
    };

    function plan(text) {
      var manifest = engine.manifest, rules = manifest.rules;
      var round = 0;
      function attempt() {
        var a = analyse(text, rules), know = new Knowledge(store);
        if (!a.slots.length) return Promise.resolve({ words: a.words, slots: [], clauses: [], know: know });
        resolve(a.slots, know, rules);
        var wanted = clauses(a.words, a.slots, know, rules);
        wanted.forEach(function (c) { var i = store.shardOf(c[0]); if (i >= 0) know.shard(i); });
        if (!know.missing.size || round++ > 8) {
          return Promise.resolve({ words: a.words, slots: a.slots, clauses: wanted, know: know });
        }
        return Promise.all(Array.from(know.missing).map(function (name) { return store.get(name); })).then(attempt);
      }
      return attempt();
    }

    engine.search = function (text) {
      return engine.load().then(function () { return plan(text); }).then(function (p) {
        if (!p.slots.length) return { results: [], fallback: false, notes: [], suggestions: [] };
        var described = describe(p.words, p.slots, engine.manifest), notes = described[0];
        var done = evaluate(p, store, notes, engine.manifest.messages);
        var suggestions = described[1];
        var finish = Promise.resolve();
        if (!done[0].length && p.slots.some(function (s) { return s.unknown; })) {
          finish = store.dict ? finish : store.get("tu");
        }
        return finish.then(function () {
          if (!done[0].length) suggestions = suggestions.concat(suggest(p.words, p.slots, p.know));
          var unique = suggestions.filter(function (s, i) { return suggestions.indexOf(s) === i; });
          return { results: done[0], fallback: done[1], notes: notes, suggestions: unique.slice(0, 5) };
        });
      });
    };

    engine.records = function (refs) {
      var size = engine.manifest.records.size;
      var needed = Array.from(new Set(refs.map(function (r) { return Math.floor(Number(r) / size); })));
      return Promise.all(needed.map(function (i) { return store.recordShards.has(i) ? null : store.get("d" + i); }))
        .then(function () {
          return refs.map(function (r) { return store.recordShards.get(Math.floor(Number(r) / size))[Number(r) % size]; });
        });
    };

    engine.query = function (text, options) {
      var limit = options && options.limit !== undefined ? options.limit : 10;
      return engine.search(text).then(function (found) {
        var top = found.results.slice(0, limit);
        return engine.records(top.map(function (r) { return r[0]; })).then(function (items) {
          return {
            results: top.map(function (r, i) { return { ref: r[0], score: r[1], item: items[i] }; }),
            fallback: found.fallback, notes: found.notes, suggestions: found.suggestions
          };
        });
      });
    };

    return engine;
  }

  var api = {
    fold: fold, vnFold: vnFold, tokens: tokens, queryTerms: queryTerms, telex: telex, edits1: edits1, osa: osa,
    analyse: function (text, rules) { return analyse(text, prepareRules(rules)); }, create: create
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document === "undefined" || !root.fetch) return;

  function browserFetch(url) {
    return root.fetch(url).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.url);
      return response.json();
    });
  }
  if (!root.SCPSearch) {
    root.SCPSearch = create(browserFetch);
    root.SCPSearch.fold = fold;
    root.SCPSearch.queryTerms = queryTerms;
  }
})(typeof window !== "undefined" ? window : globalThis);
