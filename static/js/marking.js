/*
 * The marking screen: keyboard shortcuts, the mark kept inside the chosen level's band, the
 * comment bank, and focus and announcements after htmx swaps in the next answer.
 *
 * Shortcuts (listed on the page too). Not while typing in a box:
 *   0–9      choose that level          ↑ / ↓   raise / lower the mark (inside the band)
 *   c        the comment (or reason)     b       the comment bank
 *   j / n    next answer                 k / p   previous answer
 *   h        show / hide the history
 * Anywhere: Ctrl+Enter (⌘+Enter) or Alt+S saves and moves on; Esc leaves a text box.
 *
 * The page swaps #marking-screen with htmx, so everything here is delegated from the document
 * and reads the current screen from the DOM each time. The server checks every mark again.
 */
(function () {
  "use strict";

  var announcer = document.querySelector("[data-marking-announce]");
  var dirty = false;
  var busy = false;

  function screen() { return document.querySelector("[data-marking-screen]"); }

  function form() {
    var current = screen();
    return current ? current.querySelector("[data-mark-form]") : null;
  }

  function announce(text) {
    if (!announcer || !text) return;
    announcer.textContent = "";
    // A fresh text node, a moment later, so screen readers announce a repeated message too.
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function isTyping(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(el.type) === -1;
  }

  function chosenLevel(f) { return f.querySelector("input[name=level]:checked"); }

  function scoreInput(f) { return f.querySelector("[data-score]"); }

  /* Keep the mark input inside the chosen level's band; mark the level in the scheme; offer the
     bank comments kept for that level (and those kept for any level). */
  function applyBand(f, clamp) {
    var level = chosenLevel(f);
    var score = scoreInput(f);
    var current = screen();
    if (!level || !score) return;
    var low = parseInt(level.dataset.low, 10);
    var high = parseInt(level.dataset.high, 10);
    score.min = String(low);
    score.max = String(high);
    if (clamp) {
      var value = parseInt(score.value, 10);
      if (isNaN(value) || value < low || value > high) score.value = String(low);
    }
    var bandText = f.querySelector("[data-band-text]");
    if (bandText) bandText.textContent = "(level band " + low + "–" + high + ")";
    if (current) {
      Array.prototype.forEach.call(current.querySelectorAll("[data-scheme-level]"), function (row) {
        row.classList.toggle("is-chosen", row.dataset.schemeLevel === level.value);
      });
    }
    var bank = f.querySelector("[data-bank]");
    if (bank) {
      Array.prototype.forEach.call(bank.options, function (option) {
        if (!option.value) return;
        var kept = option.dataset.level;
        option.hidden = kept !== "" && kept !== level.value;
      });
    }
  }

  function chooseLevel(f, number) {
    var radio = f.querySelector('input[name=level][value="' + number + '"]');
    if (!radio) return false;
    radio.checked = true;
    applyBand(f, true);
    dirty = true;
    var score = scoreInput(f);
    announce("Level " + number + " (" + radio.dataset.low + " to " + radio.dataset.high +
      " marks). Mark " + (score ? score.value : "") + ".");
    return true;
  }

  function stepScore(f, delta) {
    var score = scoreInput(f);
    if (!score) return;
    var min = score.min === "" ? 0 : parseInt(score.min, 10);
    var max = parseInt(score.max, 10);
    var value = parseInt(score.value, 10);
    if (isNaN(value)) value = delta > 0 ? min - 1 : max + 1;
    value = Math.max(min, Math.min(max, value + delta));
    score.value = String(value);
    dirty = true;
    announce("Mark " + value + " of " + max + (chosenLevel(f) ? " in this level" : "") + ".");
  }

  function save(f) {
    if (busy) return;
    if (typeof f.requestSubmit === "function") {
      f.requestSubmit(); // runs the browser's checks (band, required) before htmx posts
    } else if (f.reportValidity()) {
      f.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    }
  }

  function follow(kind) {
    var current = screen();
    var link = current && current.querySelector('[data-nav="' + kind + '"]');
    if (link) link.click();
    else announce(kind === "next" ? "This is the last answer." : "This is the first answer.");
  }

  function focusHeading() {
    var current = screen();
    var heading = current && current.querySelector("[data-marking-focus]");
    if (heading) heading.focus();
  }

  document.addEventListener("keydown", function (event) {
    var f = form();
    var key = event.key;
    if (f && ((key === "Enter" && (event.ctrlKey || event.metaKey)) ||
        (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyS"))) {
      event.preventDefault();
      save(f);
      return;
    }
    if (key === "Escape" && isTyping(event.target) && screen() && screen().contains(event.target)) {
      event.target.blur();
      focusHeading();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (isTyping(event.target) || !screen()) return;
    if (/^[0-9]$/.test(key)) {
      if (f && chooseLevel(f, key)) event.preventDefault();
      return;
    }
    switch (key) {
      case "ArrowUp":
      case "ArrowDown":
        if (!f || (event.target.type === "radio")) return; // arrows move between levels there
        event.preventDefault();
        stepScore(f, key === "ArrowUp" ? 1 : -1);
        break;
      case "c":
        var comment = f && f.querySelector("[data-comment]");
        if (comment) { event.preventDefault(); comment.focus(); }
        break;
      case "b":
        var bank = f && f.querySelector("[data-bank]");
        if (bank) { event.preventDefault(); bank.focus(); }
        break;
      case "j":
      case "n":
        event.preventDefault();
        follow("next");
        break;
      case "k":
      case "p":
        event.preventDefault();
        follow("previous");
        break;
      case "h":
        var history = screen().querySelector("[data-history]");
        if (history) { event.preventDefault(); history.open = !history.open; }
        break;
      default:
        break;
    }
  });

  document.addEventListener("change", function (event) {
    var f = form();
    if (!f || !f.contains(event.target)) return;
    dirty = true;
    if (event.target.name === "level") applyBand(f, true);
    if (event.target.matches("[data-bank]")) {
      var option = event.target.selectedOptions[0];
      var comment = f.querySelector("[data-comment]");
      if (option && option.value && comment) {
        var text = option.dataset.text;
        var before = comment.value.replace(/\s+$/, "");
        comment.value = before ? before + "\n\n" + text : text;
        event.target.value = ""; // inserted here, so the server need not add it again
        announce("Comment added from your bank.");
      }
    }
  });

  document.addEventListener("input", function (event) {
    var f = form();
    if (f && f.contains(event.target)) dirty = true;
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (!source || !source.closest || !source.closest("[data-marking-screen]")) return;
    if (busy) { event.preventDefault(); return; }
    if (source.matches("[data-nav]") && dirty &&
        !window.confirm("This answer's mark is not saved. Leave it anyway?")) {
      event.preventDefault();
      return;
    }
    busy = true;
  });

  document.body.addEventListener("htmx:afterRequest", function () { busy = false; });

  document.body.addEventListener("htmx:afterSwap", function () {
    var current = screen();
    if (!current) return;
    dirty = false;
    var f = form();
    if (f) applyBand(f, false);
    var problem = current.querySelector("[data-form-error], .invalid-feedback, #level-error");
    if (problem) {
      announce("Not saved. " + problem.textContent.trim());
      var field = current.querySelector(".is-invalid") ||
        (current.querySelector("#level-error") && current.querySelector("input[name=level]"));
      if (field) field.focus(); else focusHeading();
      return;
    }
    announce(current.dataset.saved || current.querySelector("[data-marking-focus]").textContent);
    focusHeading();
  });

  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  document.addEventListener("submit", function (event) {
    if (event.target.matches("[data-mark-form]")) dirty = false;
  }, true);

  var initial = form();
  if (initial) applyBand(initial, false);
})();
