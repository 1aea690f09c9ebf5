// Markers are ten to twenty times longer than wide: show them at a readable height, panned by scrolling
// or dragging, with − / + and "Whole marker" to zoom. Without JavaScript the marker still scrolls.
(function () {
  "use strict";
  var HEIGHTS = [120, 200, 300, 450, 650, 900];

  function setup(box) {
    var level = 2;
    var bar = document.createElement("span");
    bar.className = "zoom-bar";
    function button(text, label, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn small";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", action);
      bar.appendChild(b);
      return b;
    }
    function show() {
      box.classList.remove("whole");
      box.style.setProperty("--h", HEIGHTS[level] + "px");
    }
    button("−", "Zoom out", function () { level = Math.max(0, level - 1); show(); });
    button("+", "Zoom in", function () { level = Math.min(HEIGHTS.length - 1, level + 1); show(); });
    button("Whole marker", "Show the whole marker", function () { box.classList.add("whole"); });
    var caption = box.parentElement.querySelector("figcaption");
    (caption || box.parentElement).appendChild(bar);

    var startX = 0, startScroll = 0, dragging = false;
    box.addEventListener("pointerdown", function (e) {
      if (e.pointerType !== "mouse" || e.button !== 0) { return; }  // touch pans natively
      dragging = true; startX = e.clientX; startScroll = box.scrollLeft;
      box.classList.add("dragging");
      box.setPointerCapture(e.pointerId);
    });
    box.addEventListener("pointermove", function (e) {
      if (dragging) { box.scrollLeft = startScroll - (e.clientX - startX); }
    });
    function stop() { dragging = false; box.classList.remove("dragging"); }
    box.addEventListener("pointerup", stop);
    box.addEventListener("pointercancel", stop);
  }

  document.querySelectorAll("[data-zoom]").forEach(setup);
})();
