// The survey builder's one convenience: "Add a line" to option, row and label tables
// (without JavaScript the form offers blank lines and more after each save).
document.querySelectorAll("fieldset[data-rows]").forEach(function (set) {
  var button = set.querySelector("button.add-row");
  var body = set.querySelector("tbody");
  if (!button || !body) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var last = body.lastElementChild;
    if (!last) return;
    var index = body.children.length;
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/-\d+-/, "-" + index + "-");
      var label = input.getAttribute("aria-label");
      if (label) input.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1)));
      if (input.type === "checkbox") input.checked = false; else input.value = "";
    });
    body.appendChild(copy);
    copy.querySelector("input").focus();
  });
});
