// After an action the page comes back with what came of it (done, refused, a question
// to confirm): focus goes there, not to the top of the page.
(function () {
  "use strict";
  var result = document.querySelector("[data-focus]");
  if (result) { result.focus(); }
})();

// The queue refreshes itself: every few seconds the table body is fetched again as
// HTML from the server (which escaped it) and swapped in. No framework needed.
// The server does not count these fetches as the agent's activity: a queue left open
// still signs out after 30 idle minutes, and the 401 then reloads to the sign-in form.
(function () {
  "use strict";
  var body = document.getElementById("queue-rows");
  if (!body) { return; }
  var url = body.getAttribute("data-refresh");
  var every = (parseInt(body.getAttribute("data-every"), 10) || 5) * 1000;
  var live = document.getElementById("queue-live");

  function refresh() {
    // Do not pull the rows out from under a focused Claim button.
    if (body.contains(document.activeElement)) { return; }
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        body.innerHTML = html;
        if (live) { live.textContent = "Updated " + new Date().toLocaleTimeString(); }
      })
      .catch(function () { /* the next tick tries again */ });
  }
  window.setInterval(refresh, every);
})();
