// After an action the page comes back with what came of it (done, refused, a question
// to confirm): focus goes there, not to the top of the page.
(function () {
  "use strict";
  var result = document.querySelector("[data-focus]");
  if (result) { result.focus(); }
})();

// The queue refreshes itself: every few seconds the table body is fetched again as
// HTML from the server (which escaped it) and swapped in, also while a row has focus:
// focus then moves to the same link or button in the fresh row. Only real changes are
// announced ("New: Alex, high, delayed order 1003"); the waiting count is in the tab's
// title; a sound and a desktop notification are the agent's choice.
// The server does not count these fetches as the agent's activity: a queue left open
// still signs out after 30 idle minutes, and the 401 then reloads to the sign-in form.
(function () {
  "use strict";
  var body = document.getElementById("queue-rows");
  if (!body) { return; }
  var url = body.getAttribute("data-refresh");
  var every = (parseInt(body.getAttribute("data-every"), 10) || 5) * 1000;
  var live = document.getElementById("queue-live");
  var count = document.getElementById("queue-count");
  var sound = document.getElementById("queue-sound");
  var notify = document.getElementById("queue-notify");
  var keys = document.getElementById("queue-keys");
  var baseTitle = document.title.replace(/^\(\d+\) /, "");
  var store = window.localStorage;

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr[data-id]")); }
  function ids(list) { return list.map(function (r) { return r.getAttribute("data-id"); }); }

  function counted() {
    var all = rows();
    var waiting = all.filter(function (r) { return r.getAttribute("data-waiting") === "1"; }).length;
    document.title = (waiting ? "(" + waiting + ") " : "") + baseTitle;
    if (count) { count.textContent = all.length + " open, " + waiting + " waiting"; }
  }

  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    var audio = new Context();
    var tone = audio.createOscillator();
    var gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.value = 0.1;
    tone.connect(gain); gain.connect(audio.destination);
    tone.start(); tone.stop(audio.currentTime + 0.2);
  }

  function alert(news) {
    if (sound && sound.checked) { beep(); }
    if (window.Notification && Notification.permission === "granted" && document.hidden) {
      news.forEach(function (text) { new Notification("New callback", { body: text }); });
    }
  }

  function swap(html) {
    var before = rows();
    var known = ids(before);
    var focused = document.activeElement;
    var key = body.contains(focused) ? focused.getAttribute("data-key") : null;
    var changed = body.innerHTML !== html;
    if (changed) { body.innerHTML = html; }
    if (key) {
      var again = body.querySelector('[data-key="' + key + '"]');
      if (again) { again.focus(); } else if (live) { live.setAttribute("tabindex", "-1"); live.focus(); }
    }
    var after = rows();
    var now = ids(after);
    var news = after.filter(function (r) { return known.indexOf(r.getAttribute("data-id")) < 0; })
      .map(function (r) { return r.getAttribute("data-summary"); });
    var gone = before.filter(function (r) { return now.indexOf(r.getAttribute("data-id")) < 0; }).length;
    var said = news.map(function (text) { return "New: " + text + "."; });
    if (gone) { said.push(gone + (gone === 1 ? " callback left" : " callbacks left") + " the list."); }
    if (said.length && live) { live.textContent = said.join(" "); }
    if (news.length) { alert(news); }
    counted();
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) { if (html !== null) { swap(html.trim()); } })
      .catch(function () { /* the next tick tries again */ });
  }

  if (sound && store) {
    sound.checked = store.getItem("menschmoment.sound") === "1";
    sound.addEventListener("change", function () { store.setItem("menschmoment.sound", sound.checked ? "1" : "0"); });
  }
  if (notify && window.Notification && Notification.permission === "default") {
    // Asked once, and only when the agent asks for it.
    notify.hidden = false;
    notify.addEventListener("click", function () {
      Notification.requestPermission().then(function () { notify.hidden = true; });
    });
  }

  function move(step) {
    var links = rows().map(function (r) { return r.querySelector("a"); });
    if (!links.length) { return; }
    var at = links.indexOf(document.activeElement.closest && document.activeElement.closest("tr") ?
      document.activeElement.closest("tr").querySelector("a") : null);
    var next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), links.length - 1);
    links[next].focus();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) { return; }
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "c") {
      var row = target && target.closest ? target.closest("tr[data-id]") : null;
      var claim = row ? row.querySelector("button[data-key^=claim]") : null;
      if (claim) { claim.click(); event.preventDefault(); }
    } else if (event.key === "/") {
      var search = document.getElementById("queue-q");
      if (search) { search.focus(); event.preventDefault(); }
    } else if (event.key === "?" && keys) { keys.hidden = !keys.hidden; event.preventDefault(); }
  });

  counted();
  window.setInterval(refresh, every);
})();
