// policygraph evidence map: the nb/en switch (remembered) and marking the anchor a link points
// at. Everything readable works without this file.
(function () {
  "use strict";
  var KEY = "policygraph-lang";
  var root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(lang) {
    try { window.localStorage.setItem(KEY, lang); } catch (e) { /* private mode: not kept */ }
  }
  function setLang(lang) {
    root.setAttribute("data-lang", lang);
    var buttons = document.querySelectorAll(".langswitch button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-lang") === lang));
    }
  }

  function markCurrent() {
    var old = document.querySelectorAll(".current");
    for (var i = 0; i < old.length; i++) { old[i].classList.remove("current"); }
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !target.classList.contains("hl")) { return; }
    var key = target.getAttribute("data-resource");
    // An anchor cut in two (it overlaps another) is marked in all its parts.
    var parts = document.querySelectorAll("mark.hl");
    for (var j = 0; j < parts.length; j++) {
      if (parts[j].getAttribute("data-resource") === key) { parts[j].classList.add("current"); }
    }
    var note = document.getElementById("note-" + id);
    if (note) { note.classList.add("current"); }
    target.scrollIntoView({ block: "center" });
  }

  // Loaded in the head, not deferred: the remembered language is set before the page shows.
  var remembered = stored();
  root.setAttribute("data-lang", remembered === "en" || remembered === "nb" ? remembered : "nb");

  document.addEventListener("DOMContentLoaded", function () {
    setLang(root.getAttribute("data-lang"));
    var group = document.querySelector(".langswitch");
    if (group) {
      group.hidden = false;
      group.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-lang]");
        if (!button) { return; }
        var chosen = button.getAttribute("data-lang");
        setLang(chosen);
        store(chosen);
      });
    }
    document.addEventListener("click", function (event) {
      var mark = event.target.closest && event.target.closest("mark.hl");
      if (!mark) { return; }
      var first = document.querySelector('mark.hl[id][data-resource="' +
        CSS.escape(mark.getAttribute("data-resource")) + '"]');
      if (first) { window.location.hash = first.id; }
    });
    window.addEventListener("hashchange", markCurrent);
    markCurrent();
  });
}());
