/* manyi survey widget. <script src="https://HOST/s/ID/embed.js" async></script>
   data-mode="button" (default) or "inline", data-label, data-lang (zh-CN, en),
   data-channel, data-touchpoint, data-height, data-target (inline: a CSS selector).
   No dependencies, nothing loaded but the form. docs/distribution.md#embed */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.URL || !window.URLSearchParams) return;
  var src = new URL(me.src, location.href);
  var d = me.dataset;
  var at = src.pathname.match(/^(.*?)\/(?:s\/(\d+)\/)?embed\.js$/);
  var id = d.survey || (at && at[2]) || src.searchParams.get("survey") || "";
  if (!at || !/^\d+$/.test(id)) {
    if (window.console) console.error("manyi: the widget needs a survey id");
    return;
  }
  var lang = d.lang === "en" || d.lang === "zh-CN" ? d.lang : "";
  var en = /^en/i.test(lang || document.documentElement.lang || navigator.language || "");
  var query = new URLSearchParams({ embed: "1", origin: location.origin });
  if (d.channel) query.set("ch", d.channel);
  if (d.touchpoint) query.set("tp", d.touchpoint);
  if (lang) query.set("lang", lang);
  var url = src.origin + at[1] + "/s/" + id + "?" + query;
  var height = Math.min(Math.max(parseInt(d.height, 10) || 520, 200), 2000);
  var inline = d.mode === "inline";
  var frame = document.createElement("iframe");
  frame.title = d.title || (en ? "Feedback survey" : "意见反馈问卷");
  frame.setAttribute("style", "display:block;width:100%;border:0;background:transparent;height:" + height + "px");
  var panel, button, closer;

  function show(open) {
    if (open && !frame.getAttribute("src")) frame.src = url; // a draft only once opened
    panel.hidden = !open;
    button.hidden = open;
    button.setAttribute("aria-expanded", String(open));
    (open ? closer : button).focus();
  }

  // Only the form's own window, from the form's origin, may resize or close the widget.
  window.addEventListener("message", function (event) {
    var m = event.data;
    if (event.origin !== src.origin || event.source !== frame.contentWindow || !m) return;
    if (m.manyi === "height" && typeof m.height === "number" && m.height > 0) {
      frame.style.height = Math.min(Math.ceil(m.height), 4000) + "px";
    } else if (m.manyi === "close" && panel && !panel.hidden) {
      show(false);
    }
  });

  function start() {
    if (inline) {
      frame.src = url;
      var target = d.target && document.querySelector(d.target);
      if (target) target.appendChild(frame);
      else me.parentNode.insertBefore(frame, me);
      return;
    }
    var label = d.label || (en ? "Feedback" : "意见反馈");
    var box = "position:fixed;right:16px;bottom:16px;z-index:2147483000;";
    button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("style", box + "min-height:44px;padding:10px 18px;border:0;border-radius:22px;" +
      "background:#0b5cad;color:#fff;font:600 16px/1.2 system-ui,sans-serif;cursor:pointer;" +
      "box-shadow:0 2px 8px rgba(0,0,0,.3)");
    panel = document.createElement("div");
    panel.id = "manyi-widget-" + id + "-" + Math.random().toString(36).slice(2, 8);
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", label);
    panel.setAttribute("style", box + "width:min(440px,calc(100vw - 32px));max-height:calc(100vh - 32px);" +
      "overflow:auto;padding-top:44px;background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.35)");
    button.setAttribute("aria-controls", panel.id);
    closer = document.createElement("button");
    closer.type = "button";
    closer.textContent = "×";
    closer.setAttribute("aria-label", en ? "Close" : "关闭");
    closer.setAttribute("style", "position:absolute;top:2px;right:2px;width:44px;height:44px;border:0;" +
      "background:transparent;color:#1d2733;font:28px/1 sans-serif;cursor:pointer");
    panel.appendChild(closer);
    panel.appendChild(frame);
    button.addEventListener("click", function () { show(true); });
    closer.addEventListener("click", function () { show(false); });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") show(false);
    });
    document.body.appendChild(button);
    document.body.appendChild(panel);
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
