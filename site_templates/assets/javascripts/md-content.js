/* mkdocs-material's inline content scripts (partials/javascripts/content.html) moved to
 * a file, so that the site needs no 'unsafe-inline' in its Content-Security-Policy.
 * Loaded synchronously right after the page content, as the originals ran:
 * - with data-tabs-link (feature content.tabs.link): re-select the content tabs the
 *   reader chose before, remembered under "__tabs";
 * - always: if the URL fragment names a tab input, select that tab. */
(function () {
  var script = document.currentScript;
  if (script && script.hasAttribute("data-tabs-link")) {
    var tabs = __md_get("__tabs");
    if (Array.isArray(tabs)) {
      sets: for (var set of document.querySelectorAll(".tabbed-set")) {
        var labels = set.querySelector(".tabbed-labels");
        for (var tab of tabs) {
          for (var label of labels.getElementsByTagName("label")) {
            if (label.innerText.trim() === tab) {
              document.getElementById(label.htmlFor).checked = true;
              continue sets;
            }
          }
        }
      }
    }
  }
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) {
    target.checked = target.name.startsWith("__tabbed_");
  }
}());
