/* The respondent form inside the manyi widget's frame: tell the host page (and only the
   origin the server checked against MANYI_EMBED_ORIGINS) how tall the form is, and that
   Escape asks to close the panel. The form works without it. */
(function () {
  "use strict";
  var me = document.currentScript;
  var host = me && me.getAttribute("data-origin");
  if (!host || window.parent === window) return;
  var last = 0;
  function tell(message) { window.parent.postMessage(message, host); }
  function measure() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      tell({ manyi: "height", height: height });
    }
  }
  function begin() {
    measure();
    if (window.ResizeObserver) new ResizeObserver(measure).observe(document.documentElement);
    else setInterval(measure, 500);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
  window.addEventListener("load", measure);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") tell({ manyi: "close" });
  });
})();
