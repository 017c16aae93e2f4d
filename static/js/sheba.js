/* Sheba: small progressive enhancements. Every page works without this file.
 *
 * Idle warning (pages of a logged-in person: <body data-session-warn>). After
 * data-session-warn seconds without activity (keys, clicks, touches, scrolling; pointer moves
 * counted at most once a second) in this tab or another tab of the site, #idle-dialog opens
 * with a countdown of data-session-countdown seconds. "Stay" (or Escape) posts the keepalive;
 * "Log out" or reaching 0 submits the logout form. The server enforces its own idle limit;
 * activity that has not reached the server is reported to it (with its true age) before the
 * server could count this person as idle.
 */
(function () {
  "use strict";
  var body = document.body;
  if (!body || !body.hasAttribute("data-session-warn")) return;
  var dialog = document.getElementById("idle-dialog");
  var stayForm = document.getElementById("idle-stay") && document.getElementById("idle-stay").form;
  var logoutForm = document.getElementById("idle-logout-form");
  var countEl = document.getElementById("idle-count");
  if (!dialog || !stayForm || !logoutForm || !countEl) return;

  var WARN = (+body.getAttribute("data-session-warn") || 300) * 1000;
  var COUNT = (+body.getAttribute("data-session-countdown") || 30) * 1000;
  var SYNC = 60000; // report unsynced activity at most once a minute
  var KEY = "sheba.activity";
  var bn = (document.documentElement.lang || "").indexOf("bn") === 0;
  var now = function () { return Date.now(); };
  var own = now(); // last activity in this tab
  var last = own; // last activity in any tab
  var serverSeen = own - (+body.getAttribute("data-session-idle") || 0) * 1000;
  var syncing = false, tried = 0, openedAt = 0, deadline = 0, lastMove = 0, leaving = false, before = null;

  function digits(n) {
    var s = String(n);
    return bn ? s.replace(/[0-9]/g, function (d) { return "০১২৩৪৫৬৭৮৯"[d]; }) : s;
  }
  function share(t) { try { localStorage.setItem(KEY, String(t)); } catch (e) { /* private mode */ } }
  function shared() { try { return +localStorage.getItem(KEY) || 0; } catch (e) { return 0; } }

  function activity(e) {
    if (openedAt || leaving) return; // once the warning shows, only its buttons answer
    var t = now();
    if (e && e.type === "pointermove") { if (t - lastMove < 1000) return; lastMove = t; }
    if (t - own > 1000) share(t);
    own = last = t;
  }
  ["keydown", "pointerdown", "touchstart", "wheel", "scroll", "pointermove"].forEach(function (name) {
    window.addEventListener(name, activity, { passive: true, capture: true });
  });

  function token() {
    var input = stayForm.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function keepalive(idleMs, done) {
    syncing = true;
    var data = new URLSearchParams();
    data.set("idle", String(Math.max(0, Math.floor(idleMs / 1000))));
    var sentAt = now() - idleMs;
    fetch(stayForm.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": token(), "X-Sheba-Fetch": "1", "Accept": "application/json" }
    }).then(function (r) {
      syncing = false;
      if (r.status === 401) {
        return r.json().then(function (j) { leave(j.login); }, function () { leave(); });
      }
      if (!r.ok) throw new Error(String(r.status));
      if (sentAt > serverSeen) serverSeen = sentAt;
      if (done) done();
    }).catch(function () {
      syncing = false;
      if (done) stayForm.submit(); // fall back to the plain form
    });
  }
  function leave(url) {
    leaving = true;
    if (url) window.location.assign(url); else window.location.reload();
  }

  function setInert(on) { // the page behind the dialog can be neither read nor reached
    Array.prototype.forEach.call(body.children, function (el) {
      if (el !== dialog && el.tagName !== "SCRIPT") el.inert = on;
    });
  }
  function open() {
    openedAt = now();
    deadline = openedAt + COUNT;
    before = document.activeElement;
    countEl.textContent = digits(Math.ceil(COUNT / 1000));
    dialog.hidden = false;
    setInert(true);
    document.getElementById("idle-stay").focus();
  }
  function close() {
    openedAt = 0;
    dialog.hidden = true;
    setInert(false);
    own = last = now();
    share(own);
    if (before && before.focus) before.focus();
  }
  function stay() {
    if (leaving) return;
    keepalive(0, close);
  }
  function logout() {
    if (leaving) return;
    leaving = true;
    logoutForm.submit();
  }

  stayForm.addEventListener("submit", function (e) { e.preventDefault(); stay(); });
  logoutForm.addEventListener("submit", function () { leaving = true; });
  document.addEventListener("keydown", function (e) {
    if (!openedAt) return;
    if (e.key === "Escape") { e.preventDefault(); stay(); return; }
    if (e.key !== "Tab") return;
    var items = dialog.querySelectorAll("button");
    var first = items[0], lastItem = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); lastItem.focus(); }
    else if (!e.shiftKey && document.activeElement === lastItem) { e.preventDefault(); first.focus(); }
  });

  function tick() {
    if (leaving) return;
    var t = now();
    if (openedAt) {
      var left = Math.max(0, Math.ceil((deadline - t) / 1000));
      var text = digits(left);
      if (countEl.textContent !== text) countEl.textContent = text;
      if (left <= 0) logout();
      return;
    }
    var other = shared();
    if (other > last && other <= t) last = other; // another tab was used
    if (t - last >= WARN) { open(); return; }
    if (!syncing && own > serverSeen && t - serverSeen >= SYNC && t - tried >= 15000) {
      tried = t;
      keepalive(t - own);
    }
  }
  setInterval(tick, 500);
})();
