/* The live drop page: counters, bar and sizes follow Server-Sent Events from /d/<slug>/events, or poll
   /d/<slug>/status.json every 3 s when EventSource is missing or keeps failing; the countdown ticks. */
(function () {
  "use strict";
  var root = document.querySelector("[data-drop]");
  if (!root) return;
  var SETTLED = ["closed_unfunded", "cancelled", "fulfilled"];

  function each(selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function setLive(name, value) {
    each('[data-live="' + name + '"]', function (el) { el.textContent = value; });
  }

  function apply(s) {
    var left = Math.max(0, s.run_cap - s.units_sold);
    setLive("units_sold", s.units_sold);
    setLive("units_left", left);
    setLive("funded_pct", s.funded_pct);
    each("[data-live-bar]", function (bar) {
      bar.style.width = Math.min(100, Math.floor((s.units_sold * 100) / s.run_cap)) + "%";
      bar.parentNode.setAttribute("aria-valuenow", s.units_sold);
    });
    Object.keys(s.left).forEach(function (sku) {
      var n = s.left[sku];
      each('[data-size-option="' + sku + '"]', function (option) {
        var input = option.querySelector("input");
        var label = option.querySelector("[data-left]");
        if (label) label.textContent = n > 0 ? n + " left" : "Sold out";
        option.classList.toggle("soldout", n === 0);
        if (input) {
          input.disabled = n === 0;
          if (n === 0) input.checked = false;
        }
      });
    });
    var funded = s.state === "funded" || s.state === "fulfilled";
    each("[data-banner]", function (b) {
      b.hidden = b.getAttribute("data-banner") === "funded" ? !funded : b.getAttribute("data-banner") !== s.state;
    });
    each("button[type=submit]", function (button) {
      var closed = SETTLED.indexOf(s.state) >= 0;
      button.disabled = left === 0 || closed;
      if (left === 0) button.textContent = "Sold out";
    });
    root.setAttribute("data-state", s.state);
  }

  var timer = null;
  function fetchStatus() {
    fetch(root.getAttribute("data-status-url"), { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) apply(s); })
      .catch(function () {});
  }
  function poll() {
    if (timer) return;
    root.setAttribute("data-live-mode", "poll");
    fetchStatus();
    timer = setInterval(fetchStatus, 3000);
  }

  if (window.EventSource) {
    var source = new EventSource(root.getAttribute("data-events-url"));
    var failures = 0;
    root.setAttribute("data-live-mode", "sse");
    source.addEventListener("status", function (e) {
      failures = 0;
      var s = JSON.parse(e.data);
      apply(s);
      if (SETTLED.indexOf(s.state) >= 0) source.close();
    });
    source.onerror = function () {
      // One error is the server ending a stream on schedule (the browser reconnects); more is a broken path.
      failures += 1;
      if (source.readyState === EventSource.CLOSED || failures >= 3) {
        source.close();
        poll();
      }
    };
  } else {
    poll();
  }

  var countdown = root.querySelector("[data-countdown]");
  if (countdown) {
    var end = Number(countdown.getAttribute("data-closes-ms"));
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      var s = Math.max(0, Math.floor((end - Date.now()) / 1000));
      var d = Math.floor(s / 86400);
      var h = Math.floor((s % 86400) / 3600);
      var m = Math.floor((s % 3600) / 60);
      countdown.textContent = d > 0 ? d + "d " + h + "h " + pad(m) + "m" : pad(h) + ":" + pad(m) + ":" + pad(s % 60);
      if (s === 0) {
        var label = root.querySelector("[data-countdown-label]");
        if (label) label.textContent = "Closed";
        countdown.textContent = "";
        each("button[type=submit]", function (button) { button.disabled = true; });
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
