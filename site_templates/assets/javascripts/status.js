/*
 * Dated status badges judged again on the visitor's day.
 *
 * The build judges every certificate, "certified" card badge, offer/demand validity and
 * exhibition on its reference date (printed in the footer). A page served long after its
 * build must not say "Còn hiệu lực" for a certificate that has since expired, so when the
 * visitor's day (in Vietnam, UTC+7 all year) is later than the reference date, each badge
 * with data-scp-until is judged again with the same rule as directory/status.py
 * (dated_status / badge_status) and the labels the footer carries. Without JavaScript the
 * build-time status stands, with its date in the footer. A file, so the strict CSP holds.
 */
(function () {
  "use strict";
  var footer = document.querySelector("[data-scp-on][data-scp-labels]");
  if (!footer) return;
  var builtOn = footer.getAttribute("data-scp-on");
  var expiringDays = parseInt(footer.getAttribute("data-scp-expiring-days"), 10);
  var today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
  if (!(today > builtOn)) return;
  var labels;
  try {
    labels = JSON.parse(footer.getAttribute("data-scp-labels"));
  } catch (err) {
    return;
  }

  function days(from, to) {
    return Math.round((Date.parse(to + "T00:00:00Z") - Date.parse(from + "T00:00:00Z")) / 86400000);
  }

  function judge(kind, validFrom, validUntil) {
    var state = "valid";
    if (validFrom && today < validFrom) state = "not_yet";
    else if (today > validUntil) state = "expired";
    else if (days(today, validUntil) <= expiringDays) state = "expiring";
    return state === "expiring" && kind !== "certificate" ? "valid" : state;
  }

  function vietnameseDate(iso) {
    return iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4);
  }

  var changed = 0;
  var badges = document.querySelectorAll("[data-scp-status][data-scp-until]");
  for (var i = 0; i < badges.length; i++) {
    var badge = badges[i];
    var kind = badge.getAttribute("data-scp-status");
    if (!labels[kind]) continue;
    var state = judge(kind, badge.getAttribute("data-scp-from"), badge.getAttribute("data-scp-until"));
    var label = labels[kind][state];
    if (badge.textContent === label) continue;
    badge.className = "scp-badge scp-badge--" + state;
    badge.textContent = label;
    badge.hidden = badge.hasAttribute("data-scp-quiet") && state === "valid";
    badge.setAttribute("data-scp-rejudged", today);
    badge.title = "Tính lại theo ngày hôm nay " + vietnameseDate(today) + " / re-judged on today's date";
    changed++;
  }
  var note = document.createElement("div");
  note.className = "scp-rejudged";
  note.textContent = "Hôm nay là " + vietnameseDate(today) + ": " + (changed
    ? changed + " tình trạng trên trang đã được tính lại theo ngày hôm nay."
    : "các tình trạng trên trang vẫn đúng.");
  footer.appendChild(note);
})();
