/* Globals that mkdocs-material's bundle expects, as its inline script in
 * partials/javascripts/base.html defines them, moved to a file so that the site needs
 * no 'unsafe-inline' in its Content-Security-Policy. Loaded synchronously in <head>.
 * The scope (the site root, used as a prefix for localStorage keys) is two levels
 * above this file (assets/javascripts/), unless the page gives data-scope
 * (material's config.extra.scope), which is resolved against the page like the
 * original. Does nothing else. */
(function () {
  var script = document.currentScript;
  var scope = script.dataset.scope;
  window.__md_scope = scope ? new URL(scope, location) : new URL("../..", script.src);
}());
window.__md_hash = function (value) {
  return Array.from(value).reduce(function (hash, char) {
    return (hash << 5) - hash + char.charCodeAt(0);
  }, 0);
};
window.__md_get = function (key, storage, base) {
  storage = storage === undefined ? localStorage : storage;
  base = base === undefined ? __md_scope : base;
  return JSON.parse(storage.getItem(base.pathname + "." + key));
};
window.__md_set = function (key, value, storage, base) {
  storage = storage === undefined ? localStorage : storage;
  base = base === undefined ? __md_scope : base;
  try {
    storage.setItem(base.pathname + "." + key, JSON.stringify(value));
  } catch (err) {
    /* storage full or disabled: material ignores it too */
  }
};
