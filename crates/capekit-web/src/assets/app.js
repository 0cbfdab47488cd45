// capekit workbench: small enhancements only. Every page works without this script.
// - drag and drop onto the upload box, with the chosen file names and a size warning;
// - the progress of an upload: the form posts its files itself and shows how much was sent,
//   then that capekit is reading them (without script the form posts as any form does);
// - filters of the entries table applied on Enter as well as on the Show button;
// - "filter the rows of this page" hides the table rows that do not contain the text typed.
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

  function megabytes(bytes) {
    var mb = bytes / (1024 * 1024);
    return (mb < 10 ? mb.toFixed(1) : Math.round(mb).toString()) + " MB";
  }

  // Posts the form with XMLHttpRequest, whose upload events give the bytes sent, and goes to the
  // page the server redirects to (the triage, the plan, the check). An error page the server
  // answers with is shown as it is; a request that never reached the server falls back to the
  // form's own submission, which shows whatever the browser gets.
  function setupProgress(form) {
    var box = form.querySelector(".progress");
    if (!box || !window.XMLHttpRequest || !window.FormData) return;
    var bar = box.querySelector("progress");
    var text = box.querySelector(".progress-text");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (e) {
      var total = 0;
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        for (var i = 0; i < (input.files || []).length; i++) total += input.files[i].size;
      });
      if (total === 0) return; // nothing to show: the server answers at once
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      box.hidden = false;
      if (button) button.disabled = true;
      bar.max = total;
      bar.value = 0;
      text.textContent = "Sending " + megabytes(total) + "...";
      xhr.upload.addEventListener("progress", function (ev) {
        if (!ev.lengthComputable) return;
        bar.max = ev.total;
        bar.value = ev.loaded;
        text.textContent = "Sending " + megabytes(ev.loaded) + " of " + megabytes(ev.total) + "...";
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value");
        text.textContent = "Reading " + megabytes(total) + " on this computer; a large file takes a few seconds...";
      });
      xhr.addEventListener("readystatechange", function () {
        // Once the redirected page answers, go there (the browser loads it again as a page).
        if (xhr.readyState === 2 && xhr.status >= 200 && xhr.status < 300 &&
            xhr.responseURL && xhr.responseURL !== form.action) {
          var next = xhr.responseURL;
          xhr.abort();
          window.location.assign(next);
        }
      });
      xhr.addEventListener("load", function () {
        // An error page (a file capekit cannot read, too large...): show it.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        document.title = doc.title;
        document.body.replaceWith(document.importNode(doc.body, true));
      });
      xhr.addEventListener("error", function () {
        box.hidden = true;
        form.submit();
      });
      xhr.send(new FormData(form));
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
    document.querySelectorAll("form[data-progress]").forEach(setupProgress);
    document.querySelectorAll("select[data-enter-submits]").forEach(setupEnterSubmits);
    document.querySelectorAll("input[data-table]").forEach(setupQuickfind);
  });
})();
