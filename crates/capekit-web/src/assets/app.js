// capekit workbench: small enhancements only. Every page works without this script.
// - drag and drop onto the upload box, with the chosen file names and a size warning;
// - filters of the entries table applied as soon as one is changed;
// - "find on this page" hides the table rows that do not contain the text typed.
(function () {
  "use strict";

  function fmtNames(files) {
    var names = [];
    for (var i = 0; i < files.length; i++) names.push(files[i].name);
    return names;
  }

  function setupDropzone(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector(".chosen");
    var tooBig = zone.querySelector("#too-big");
    var max = parseInt(zone.getAttribute("data-max-bytes") || "0", 10);
    var form = zone.closest("form");
    var submit = form ? form.querySelector("button[type=submit]") : null;
    if (!input) return;

    function show() {
      var files = input.files || [];
      var total = 0;
      if (list) {
        list.textContent = "";
        fmtNames(files).forEach(function (n) {
          var li = document.createElement("li");
          li.textContent = n;
          list.appendChild(li);
        });
      }
      for (var i = 0; i < files.length; i++) total += files[i].size;
      var over = max > 0 && total > max;
      if (tooBig) tooBig.hidden = !over;
      if (submit) submit.disabled = over;
    }

    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) {
        e.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "dragend"].forEach(function (ev) {
      zone.addEventListener(ev, function () {
        zone.classList.remove("over");
      });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      if (!input.multiple && e.dataTransfer.files.length > 1) {
        var dt = new DataTransfer();
        dt.items.add(e.dataTransfer.files[0]);
        input.files = dt.files;
      } else {
        input.files = e.dataTransfer.files;
      }
      show();
    });
  }

  // A filter applies on the Show button or on Enter, never on a change alone: a keyboard user
  // moves through the options with the arrow keys, and each arrow is a change.
  function setupEnterSubmits(select) {
    select.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && select.form) {
        e.preventDefault();
        select.form.submit();
      }
    });
  }

  function setupQuickfind(input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) return;
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    var count = document.getElementById(input.getAttribute("data-count"));
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase().replace(/-/g, "");
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var text = rows[i].textContent.toLowerCase();
        var hit = q === "" || text.indexOf(q) >= 0 || text.replace(/-/g, "").indexOf(q) >= 0;
        rows[i].classList.toggle("hidden", !hit);
        if (hit) shown++;
      }
      if (count) count.textContent = q === "" ? "" : shown + " of " + rows.length + " rows shown";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dropzone").forEach(setupDropzone);
    document.querySelectorAll("select[data-enter-submits]").forEach(setupEnterSubmits);
    document.querySelectorAll("input[data-table]").forEach(setupQuickfind);
  });
})();
