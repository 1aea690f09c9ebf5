/* A live session's board: swapped in from Server-Sent Events (/fitting/sessions/<uid>/events), or polled
   from /fitting/sessions/<uid>/board/ every 2 s when EventSource is missing or keeps failing. The board's
   forms get the page's CSRF token; an amount the user is editing survives each swap. */
(function () {
  "use strict";
  var root = document.querySelector("[data-fit-board]");
  if (!root) return;
  var body = root.querySelector("[data-board-body]");
  var state = root.querySelector("[data-live-state]");
  var edited = {}; // theme key -> amount typed by the user
  var token = document.querySelector('input[name="csrfmiddlewaretoken"]');
  if (!token) {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    token = m ? { value: decodeURIComponent(m[1]) } : null;
  }

  body.addEventListener("input", function (e) {
    var input = e.target;
    if (input.matches && input.matches("[data-amount]")) {
      edited[input.closest("[data-theme]").getAttribute("data-theme")] = input.value;
    }
  });

  function prepare() {
    Array.prototype.forEach.call(body.querySelectorAll("form[data-change-form]"), function (form) {
      if (root.getAttribute("data-may-edit") !== "1") {
        form.parentNode.removeChild(form);
        return;
      }
      if (token && !form.querySelector('input[name="csrfmiddlewaretoken"]')) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "csrfmiddlewaretoken";
        hidden.value = token.value;
        form.appendChild(hidden);
      }
      var key = form.closest("[data-theme]").getAttribute("data-theme");
      var amount = form.querySelector("[data-amount]");
      if (amount && Object.prototype.hasOwnProperty.call(edited, key)) amount.value = edited[key];
    });
  }

  function swap(html) {
    var active = document.activeElement;
    var focusKey = active && body.contains(active) && active.matches("[data-amount]")
      ? active.closest("[data-theme]").getAttribute("data-theme") : null;
    var open = body.querySelector("details.fit-unmatched");
    var wasOpen = open ? open.open : null;
    body.innerHTML = html; // rendered by the server, every value escaped
    prepare();
    var details = body.querySelector("details.fit-unmatched");
    if (details && wasOpen !== null) details.open = wasOpen;
    if (focusKey) {
      var again = body.querySelector('[data-theme="' + focusKey + '"] [data-amount]');
      if (again) again.focus();
    }
    root.setAttribute("data-updated", String(Date.now()));
  }

  var timer = null;
  function fetchBoard() {
    fetch(root.getAttribute("data-board-url"), { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) swap(html); })
      .catch(function () {});
  }
  function poll() {
    if (timer) return;
    root.setAttribute("data-live-mode", "poll");
    if (state) state.textContent = "updating every 2 s";
    timer = setInterval(fetchBoard, 2000);
  }

  prepare();
  if (window.EventSource) {
    var source = new EventSource(root.getAttribute("data-events-url"));
    var failures = 0;
    root.setAttribute("data-live-mode", "sse");
    source.addEventListener("board", function (e) {
      failures = 0;
      var data = JSON.parse(e.data);
      root.setAttribute("data-total", String(data.total));
      swap(data.html);
      if (state) state.textContent = "live";
    });
    source.onerror = function () {
      failures += 1;
      if (state) state.textContent = "reconnecting…";
      if (source.readyState === EventSource.CLOSED || failures >= 3) {
        source.close();
        poll();
      }
    };
  } else {
    poll();
  }
})();
