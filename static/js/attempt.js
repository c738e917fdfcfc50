/*
 * The attempt page: autosave, a copy on this device, conflicts between tabs, citing passages,
 * tabs on narrow screens, and the countdown that submits when time runs out.
 *
 * Saving: a question is saved 2 s after typing stops, at once on change or leaving the field,
 * and every 15 s while something is unsaved (failed saves included: they also back off, to at
 * most 15 s, and are retried at once when the browser says it is back online). Each save sends the version it was based on; the
 * server refuses a save based on an older version (409) and sends its copy, so a second tab
 * never silently overwrites newer text. Until the server has it, every answer is also kept in
 * localStorage (per attempt and question, with the version and the time) and offered back when
 * the page loads with an older copy on the server.
 */
(function () {
  "use strict";

  var root = document.getElementById("attempt");
  if (!root) return;

  var DEBOUNCE_MS = 2000;
  var PERIODIC_MS = 15000;
  var MAX_BACKOFF_MS = 15000; // never longer than the periodic save
  var FLUSH_TIMEOUT_MS = 10000;
  var ANNOUNCE_AT = [300, 60]; // seconds left: announced once each

  var attemptId = root.dataset.attempt;
  var csrfToken = root.dataset.csrf;
  var editable = root.dataset.editable === "true";
  // The admin's "preview as a student" (data-preview="true"): the same page and controls, but
  // nothing leaves the page. No autosave request, no copy in localStorage, no submission; the
  // status says so instead of "Saved".
  var preview = root.dataset.preview === "true";
  var PREVIEW_STATUS = "Preview: not saved.";
  var clockOffset = Date.parse(root.dataset.serverNow) - Date.now();
  var deadline = Date.parse(root.dataset.deadline);
  var questions = [];
  var lastSelection = null;
  var activeQuestion = null;
  var submitting = false;

  function serverNow() { return Date.now() + clockOffset; }

  function clock(value) {
    var date = value instanceof Date ? value : new Date(value);
    // The page's language (en-GB): "10:42", as the server writes times.
    return date.toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
  }

  function codePoints(text) { return Array.from(text).length; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  /* ---------------------------------------------------------------- local copies ---- */

  function storageKey(q) { return "provenance:attempt:" + attemptId + ":response:" + q.id; }

  function readLocal(q) {
    if (preview) return null;
    try {
      var raw = window.localStorage.getItem(storageKey(q));
      return raw ? JSON.parse(raw) : null;
    } catch (e) { return null; }
  }

  function writeLocal(q, data) {
    if (preview) return;
    try {
      window.localStorage.setItem(storageKey(q), JSON.stringify({ v: q.version, at: Date.now(), data: data }));
    } catch (e) { /* private mode or full: the server copy is all there is */ }
  }

  function dropLocal(q) {
    try { window.localStorage.removeItem(storageKey(q)); } catch (e) { /* nothing kept */ }
  }

  /* ------------------------------------------------------------- reading answers ---- */

  function snapshot(q) {
    var data = {};
    var form = q.form;
    if (q.kind === "short_answer" || q.kind === "extended") {
      data.text = form.elements.namedItem("text").value;
    } else if (q.kind === "single_choice" || q.kind === "multiple_choice") {
      data.choices = Array.prototype.filter.call(form.querySelectorAll("input[name=choices]"), function (i) {
        return i.checked;
      }).map(function (i) { return parseInt(i.value, 10); });
    } else if (q.kind === "grid") {
      data.grid = {};
      form.querySelectorAll("input[data-claim]:checked").forEach(function (input) {
        var row = data.grid[input.dataset.claim] || (data.grid[input.dataset.claim] = {});
        row[input.dataset.label] = input.value;
      });
    }
    if (q.evidence) data.citations = q.citations.map(function (c) {
      return { excerpt: c.excerpt, document: c.document, start: c.start, end: c.end };
    });
    return data;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function apply(q, data) {
    var form = q.form;
    if ("text" in data && form.elements.namedItem("text")) form.elements.namedItem("text").value = data.text || "";
    if ("choices" in data) {
      var chosen = (data.choices || []).map(String);
      form.querySelectorAll("input[name=choices]").forEach(function (i) { i.checked = chosen.indexOf(i.value) !== -1; });
    }
    if ("grid" in data) {
      var grid = data.grid || {};
      form.querySelectorAll("input[data-claim]").forEach(function (i) {
        var row = grid[i.dataset.claim] || {};
        i.checked = row[i.dataset.label] === i.value;
      });
    }
    if ("citations" in data && q.evidence) {
      q.citations = [];
      q.citationList.textContent = "";
      (data.citations || []).forEach(function (c) {
        var quote = quoteFor(c);
        addCitation(q, { excerpt: c.excerpt, document: c.document, start: c.start, end: c.end,
          label: labelFor(c.excerpt), quote: quote });
      });
      syncCitationsEmpty(q);
    }
  }

  /* ------------------------------------------------------------------ the status ---- */

  function setStatus(q, state, message) {
    q.state = state;
    q.status.dataset.state = state;
    var text = message;
    if (!text) {
      if (state === "saved") text = "Saved " + clock(q.savedAt || new Date());
      else if (state === "saving") text = "Saving…";
      else if (state === "unsaved") text = "Not saved yet";
      else text = "";
    }
    if (q.status.textContent !== text) q.status.textContent = text;
    updateGlobalStatus();
  }

  function updateGlobalStatus() {
    var global = root.querySelector("[data-global-status]");
    if (!global) return;
    var states = questions.map(function (q) { return q.state; });
    var text;
    if (states.indexOf("retrying") !== -1) text = "Some answers are not saved — retrying. They are kept on this device.";
    else if (states.indexOf("conflict") !== -1) text = "An answer was changed in another tab: see below.";
    else if (states.indexOf("error") !== -1) text = "Some answers could not be saved: see below.";
    else if (states.indexOf("saving") !== -1 || states.indexOf("unsaved") !== -1) text = "Saving…";
    else text = "All answers saved.";
    if (preview) text = "Preview: answers are not saved.";
    if (global.textContent !== text) global.textContent = text;
  }

  /* ---------------------------------------------------------------------- saving ---- */

  function changed(q) {
    if (preview) { setStatus(q, "preview", PREVIEW_STATUS); return; }
    q.dirty = true;
    writeLocal(q, snapshot(q));
    if (q.blocked === "invalid") q.blocked = null; // a new edit may fix it
    if (!q.blocked) {
      if (q.state !== "retrying") setStatus(q, "unsaved");
      schedule(q, DEBOUNCE_MS);
    }
  }

  function schedule(q, delay) {
    clearTimeout(q.timer);
    q.timer = setTimeout(function () { save(q); }, delay);
  }

  function retryLater(q, reason) {
    q.failures += 1;
    var delay = Math.min(MAX_BACKOFF_MS, 2000 * Math.pow(2, q.failures - 1));
    setStatus(q, "retrying", "Not saved — retrying in " + Math.round(delay / 1000) + " s (" + reason +
      "). Your answer is kept on this device.");
    schedule(q, delay);
  }

  function block(q, reason, message) {
    q.blocked = reason;
    clearTimeout(q.timer);
    setStatus(q, reason === "conflict" ? "conflict" : "error", message);
  }

  function save(q, options) {
    clearTimeout(q.timer);
    q.timer = null;
    if (preview) return Promise.resolve(); // never dirty in a preview; this is the backstop
    if (!q.dirty || q.blocked) return Promise.resolve();
    if (q.inflight) { q.again = true; return q.inflight; }
    var data = snapshot(q);
    var body = JSON.stringify(Object.assign({ version: q.version }, data));
    setStatus(q, "saving", q.state === "retrying" ? q.status.textContent : null);
    q.inflight = fetch(q.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "error",
      keepalive: !!(options && options.keepalive),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
      body: body
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (payload) {
        handleReply(q, data, response.status, payload);
      });
    }, function () {
      retryLater(q, "no connection");
    }).then(function () {
      q.inflight = null;
      if (q.again) {
        q.again = false;
        if (q.dirty && !q.blocked && q.state !== "retrying") return save(q);
      }
    });
    return q.inflight;
  }

  function handleReply(q, sent, status, payload) {
    if (status === 200 && payload) {
      q.version = payload.version;
      q.savedAt = payload.saved_at;
      q.failures = 0;
      if (same(snapshot(q), sent)) {
        q.dirty = false;
        dropLocal(q);
        setStatus(q, "saved");
      } else {
        writeLocal(q, snapshot(q)); // typed while saving: keep the newer copy at the new version
        setStatus(q, "unsaved");
        schedule(q, DEBOUNCE_MS);
      }
      return;
    }
    var message = payload && payload.message;
    if (status === 409 && payload) return showConflict(q, payload);
    if (status === 403 && payload && payload.error === "closed") {
      questions.forEach(function (other) { block(other, "closed", "Not saved — " + message); });
      return;
    }
    if ((status === 400 || status === 413) && payload) return block(q, "invalid", "Not saved — " + message);
    if (status === 401) return retryLater(q, "you are logged out: log in again in another tab");
    if (status === 403 || status === 404) {
      return block(q, "error", "Not saved — reload the page to carry on saving. Your answer is kept on this device.");
    }
    retryLater(q, "the server did not answer");
  }

  function saveAll(options) {
    return Promise.all(questions.map(function (q) { return save(q, options); }));
  }

  function flush() {
    var timeout = new Promise(function (resolve) { setTimeout(resolve, FLUSH_TIMEOUT_MS); });
    return Promise.race([saveAll().then(function () { return saveAll(); }), timeout]).then(function () {
      return questions.every(function (q) { return !q.dirty; });
    });
  }

  /* --------------------------------------------------------- conflicts and restores ---- */

  function describe(q, data) {
    if (q.kind === "short_answer" || q.kind === "extended") return data.text || "(empty)";
    if (q.kind === "grid") {
      var cells = 0;
      Object.keys(data.grid || {}).forEach(function (k) { cells += Object.keys(data.grid[k]).length; });
      return cells + " grid cell" + (cells === 1 ? "" : "s") + " answered";
    }
    var names = (data.choices || []).map(function (id) {
      var input = q.form.querySelector("input[name=choices][value='" + Number(id) + "']");
      var label = input && q.form.querySelector("label[for='" + input.id + "']");
      return label ? label.textContent : "?";
    });
    return names.length ? names.join("; ") : "(nothing chosen)";
  }

  function showNotice(q, role, parts) {
    q.notice.textContent = "";
    q.notice.className = "notice alert " + (role === "alert" ? "alert-warning" : "alert-info");
    q.notice.setAttribute("role", role);
    parts.forEach(function (part) { q.notice.appendChild(part); });
    q.notice.hidden = false;
  }

  function hideNotice(q) {
    q.notice.hidden = true;
    q.notice.textContent = "";
    q.notice.removeAttribute("role");
  }

  function button(text, handler, extraClass) {
    var b = el("button", { type: "button", "class": "btn btn-sm " + (extraClass || "btn-outline-dark") + " me-2" }, text);
    b.addEventListener("click", handler);
    return b;
  }

  function showConflict(q, server) {
    block(q, "conflict", "Not saved — this answer was changed in another tab or on another device.");
    var mine = snapshot(q);
    writeLocal(q, mine);
    var when = server.saved_at ? " at " + clock(server.saved_at) : "";
    var other = el("div", { "class": "other-version mb-2", role: "group", tabindex: "0", "aria-label": "The other version" },
      describe(q, server));
    showNotice(q, "alert", [
      el("p", { "class": "mb-1 fw-semibold" }, "This answer was changed in another tab or on another device" + when + "."),
      el("p", { "class": "mb-1" }, "The other version:"),
      other,
      el("p", { "class": "mb-2" }, "The version on this page is still in the box below. Which one do you want to keep?"),
      button("Keep the version on this page", function () {
        q.version = server.version;
        q.blocked = null;
        hideNotice(q);
        changed(q);
        save(q);
        q.form.querySelector("input, textarea, button").focus();
      }, "btn-primary"),
      button("Use the other version", function () {
        q.version = server.version;
        q.savedAt = server.saved_at;
        q.blocked = null;
        apply(q, server);
        q.dirty = false;
        dropLocal(q);
        hideNotice(q);
        setStatus(q, "saved");
        q.form.querySelector("input, textarea, button").focus();
      })
    ]);
  }

  function offerRestore(q, local) {
    var at = clock(new Date(local.at));
    showNotice(q, "status", [
      el("p", { "class": "mb-2" }, "You have unsaved work from " + at + " on this device — restore it?"),
      el("div", { "class": "other-version mb-2", role: "group", tabindex: "0", "aria-label": "The unsaved work" }, describe(q, local.data)),
      button("Restore it", function () {
        apply(q, local.data);
        hideNotice(q);
        changed(q);
        save(q);
      }, "btn-primary"),
      button("Discard it", function () {
        dropLocal(q);
        hideNotice(q);
      })
    ]);
  }

  function checkLocalCopy(q) {
    var local = readLocal(q);
    if (!local || !local.data) return;
    var server = snapshot(q);
    var serverAt = q.savedAt ? Date.parse(q.savedAt) : 0;
    if (same(local.data, server) || (local.v < q.version && local.at <= serverAt)) {
      dropLocal(q); // the server has it, or has something newer
      return;
    }
    offerRestore(q, local);
  }

  /* ------------------------------------------------------------------- citations ---- */

  function sourceOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element && element.closest("[data-source-text]");
  }

  function labelFor(excerptId) {
    var source = root.querySelector("[data-source-text][data-excerpt='" + Number(excerptId) + "']");
    return source ? source.dataset.label : "";
  }

  function quoteFor(c) {
    var source = root.querySelector("[data-source-text][data-excerpt='" + Number(c.excerpt) + "']");
    if (!source) return "";
    var parts = [];
    source.querySelectorAll("p[data-start]").forEach(function (p) {
      var chars = Array.from(p.textContent);
      var start = parseInt(p.dataset.start, 10);
      var from = Math.max(c.start, start) - start;
      var to = Math.min(c.end, start + chars.length) - start;
      if (to > from) parts.push(chars.slice(from, to).join(""));
    });
    return parts.join(" … ");
  }

  function offsetWithin(p, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(p);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  /* The selection as document offsets: the start of the paragraph (data-start) plus the
     characters before the selection point within it. Null unless inside one source. */
  function selectionCitation() {
    var selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    var sources = Array.prototype.filter.call(root.querySelectorAll("[data-source-text]"), function (s) {
      return range.intersectsNode(s);
    });
    if (sources.length !== 1) return sources.length > 1 ? { error: "Select a passage within one source." } : null;
    var source = sources[0];
    var paragraphs = Array.prototype.filter.call(source.querySelectorAll("p[data-start]"), function (p) {
      return range.intersectsNode(p);
    });
    var spans = paragraphs.map(function (p) {
      var length = codePoints(p.textContent);
      var from = p.contains(range.startContainer) ? offsetWithin(p, range.startContainer, range.startOffset) : 0;
      var to = p.contains(range.endContainer) ? offsetWithin(p, range.endContainer, range.endOffset) : length;
      return { p: p, from: from, to: to, start: parseInt(p.dataset.start, 10) };
    }).filter(function (span) { return span.to > span.from; });
    if (!spans.length) return null;
    // Trim spaces at either end so a sloppy drag cites the words, not the gaps.
    var first = spans[0], last = spans[spans.length - 1];
    var firstChars = Array.from(first.p.textContent), lastChars = Array.from(last.p.textContent);
    while (first.from < first.to && /\s/.test(firstChars[first.from])) first.from += 1;
    while (last.to > last.from && /\s/.test(lastChars[last.to - 1])) last.to -= 1;
    var start = first.start + first.from, end = last.start + last.to;
    if (end <= start) return null;
    var citation = {
      excerpt: parseInt(source.dataset.excerpt, 10),
      document: parseInt(source.dataset.document, 10),
      start: start,
      end: end,
      label: source.dataset.label
    };
    citation.quote = quoteFor(citation);
    return citation;
  }

  function short(text, max) { return text.length > max ? text.slice(0, max - 1) + "…" : text; }

  function showSelection() {
    var preview = root.querySelector("[data-selection-preview]");
    if (!preview) return;
    var text = "";
    if (lastSelection && !lastSelection.error) {
      var target = activeQuestion && activeQuestion.evidence ? activeQuestion : null;
      text = "Selected in " + lastSelection.label + ": “" + short(lastSelection.quote, 120) + "”";
      if (target) text += " — Enter cites it for question " + target.number + ".";
    } else if (lastSelection && lastSelection.error) {
      text = lastSelection.error;
    }
    if (preview.textContent !== text) preview.textContent = text;
  }

  document.addEventListener("selectionchange", function () {
    var found = selectionCitation();
    if (found) { lastSelection = found; showSelection(); }
  });

  function renderCitation(q, c) {
    var item = el("li", { "class": "citation", "data-citation": "" });
    item.appendChild(el("q", {}, c.quote));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(el("span", { "class": "small text-body-secondary" }, "(" + c.label + ")"));
    item.appendChild(document.createTextNode(" "));
    var remove = el("button", { type: "button", "class": "btn btn-link btn-sm p-0 align-baseline", "data-remove-citation": "" }, "Remove");
    remove.appendChild(el("span", { "class": "visually-hidden" }, " the citation “" + short(c.quote, 60) + "”"));
    item.appendChild(remove);
    return item;
  }

  function addCitation(q, c) {
    q.citations.push(c);
    var item = renderCitation(q, c);
    item.citation = c;
    q.citationList.appendChild(item);
  }

  function syncCitationsEmpty(q) {
    var empty = q.el.querySelector("[data-no-citations]");
    if (empty) empty.hidden = q.citations.length > 0;
  }

  function cite(q) {
    var message = q.el.querySelector("[data-cite-message]");
    var selection = selectionCitation() || lastSelection;
    if (!selection) { message.textContent = "First select a passage in one of the sources."; return; }
    if (selection.error) { message.textContent = selection.error; return; }
    if (q.sources.indexOf(selection.excerpt) === -1) {
      message.textContent = "That passage is from " + selection.label + ", which this question does not use. Cite from " + (q.sourceNames || "its sources") + ".";
      return;
    }
    var duplicate = q.citations.some(function (c) {
      return c.excerpt === selection.excerpt && c.start === selection.start && c.end === selection.end;
    });
    if (duplicate) { message.textContent = "You have already cited that passage."; return; }
    if (q.blocked === "closed") return;
    addCitation(q, selection);
    syncCitationsEmpty(q);
    message.textContent = "Cited: “" + short(selection.quote, 80) + "”";
    changed(q);
    save(q);
  }

  function removeCitation(q, item) {
    var index = Array.prototype.indexOf.call(q.citationList.children, item);
    if (index === -1) return;
    q.citations.splice(index, 1);
    item.remove();
    syncCitationsEmpty(q);
    q.el.querySelector("[data-cite-message]").textContent = "Citation removed.";
    q.el.querySelector("[data-cite]").focus();
    changed(q);
    save(q);
  }

  /* Keyboard selection inside a focused source text: Shift with the arrows (Ctrl: by word),
     Shift+Home/End to the line's ends; the arrows alone move the starting point; Enter cites
     the selection for the question last worked on; Escape clears it. */
  function sourceKeys(event) {
    var source = event.currentTarget;
    var selection = document.getSelection();
    var horizontal = { ArrowLeft: "backward", ArrowRight: "forward" };
    var vertical = { ArrowUp: "backward", ArrowDown: "forward" };
    var bounds = { Home: "backward", End: "forward" };
    var key = event.key;
    if (key === "Enter") {
      var target = activeQuestion && activeQuestion.evidence ? activeQuestion
        : questions.filter(function (q) { return q.evidence; })[0];
      if (target) { event.preventDefault(); cite(target); }
      return;
    }
    if (key === "Escape") { selection.collapseToStart(); lastSelection = null; showSelection(); return; }
    var direction = horizontal[key] || vertical[key] || bounds[key];
    if (!direction || !selection.modify) return;
    if (!event.shiftKey && !horizontal[key]) return; // plain Up/Down/Home/End scroll the pane
    if (!source.contains(selection.anchorNode)) placeCaret(source);
    var granularity = horizontal[key] ? (event.ctrlKey || event.altKey ? "word" : "character")
      : vertical[key] ? "line" : "lineboundary";
    event.preventDefault();
    selection.modify(event.shiftKey ? "extend" : "move", direction, granularity);
    if (!event.shiftKey) caretHint(source);
  }

  function placeCaret(source) {
    var first = source.querySelector("p[data-start]");
    if (!first || !first.firstChild) return;
    document.getSelection().collapse(first.firstChild, 0);
  }

  function caretHint(source) {
    var preview = root.querySelector("[data-selection-preview]");
    var selection = document.getSelection();
    if (!preview || !selection.anchorNode || !source.contains(selection.anchorNode)) return;
    var node = selection.anchorNode;
    var after = node.nodeType === 3 ? node.textContent.slice(selection.anchorOffset) : "";
    preview.textContent = "Selecting from: “" + short(after, 40) + "” — hold Shift and use the arrow keys.";
  }

  /* ---------------------------------------------------------------------- setup ---- */

  function setupQuestion(element) {
    var q = {
      el: element,
      form: element.querySelector("[data-answer-form]"),
      status: element.querySelector("[data-save-status]"),
      notice: element.querySelector("[data-notice]"),
      citationList: element.querySelector("[data-citations]"),
      id: element.dataset.response,
      number: element.dataset.number,
      kind: element.dataset.kind,
      url: element.dataset.saveUrl,
      version: parseInt(element.dataset.version, 10),
      savedAt: element.dataset.savedAt || null,
      evidence: element.dataset.evidence === "true",
      sources: (element.dataset.sources || "").split(",").filter(Boolean).map(Number),
      sourceNames: element.dataset.sourceNames,
      citations: [],
      dirty: false, blocked: null, inflight: null, again: false, timer: null, failures: 0, state: "saved"
    };
    if (q.citationList) {
      q.citationList.querySelectorAll("[data-citation]").forEach(function (item) {
        var c = {
          excerpt: parseInt(item.dataset.excerpt, 10), document: parseInt(item.dataset.document, 10),
          start: parseInt(item.dataset.start, 10), end: parseInt(item.dataset.end, 10)
        };
        c.label = labelFor(c.excerpt);
        c.quote = item.querySelector("q").textContent;
        item.citation = c;
        q.citations.push(c);
      });
      q.citationList.addEventListener("click", function (event) {
        var remove = event.target.closest("[data-remove-citation]");
        if (remove) removeCitation(q, remove.closest("[data-citation]"));
      });
      element.querySelector("[data-cite]").addEventListener("click", function () { cite(q); });
    }
    q.form.addEventListener("input", function (event) {
      if (event.target.matches("input, textarea")) changed(q);
    });
    q.form.addEventListener("change", function () { save(q); });
    q.form.addEventListener("focusout", function () { if (q.dirty) save(q); });
    q.form.addEventListener("submit", function (event) { event.preventDefault(); save(q); });
    element.addEventListener("focusin", function () {
      activeQuestion = q;
      showSelection();
    });
    return q;
  }

  function setupTabs() {
    var tablist = root.querySelector("[data-tabs]");
    if (!tablist) return;
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute("aria-controls")).classList.toggle("is-inactive", !on);
      });
      if (focus) tab.focus();
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
        else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
        else if (event.key === "Home") next = tabs[0];
        else if (event.key === "End") next = tabs[tabs.length - 1];
        if (next) { event.preventDefault(); select(next, true); }
      });
    });
    // "Source A" links in a question open the sources tab on narrow screens.
    root.querySelectorAll("[data-source-link]").forEach(function (link) {
      link.addEventListener("click", function () { select(tabs[1], false); });
    });
    select(tabs[0], false);
    root.classList.add("tabs-ready");
  }

  /* ---------------------------------------------------------- countdown, submitting ---- */

  function formatLeft(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(r).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  function setupCountdown() {
    var text = root.querySelector("[data-countdown-text]");
    var announce = root.querySelector("[data-countdown-announce]");
    var box = root.querySelector("[data-countdown]");
    var announced = {};
    ANNOUNCE_AT.forEach(function (threshold) {
      if ((deadline - serverNow()) / 1000 <= threshold) announced[threshold] = true;
    });
    function tick() {
      var left = (deadline - serverNow()) / 1000;
      if (text) text.textContent = formatLeft(left);
      if (box) box.classList.toggle("is-urgent", left <= 300);
      ANNOUNCE_AT.forEach(function (threshold) {
        if (left <= threshold && !announced[threshold]) {
          announced[threshold] = true;
          if (announce) announce.textContent = threshold >= 120
            ? (threshold / 60) + " minutes left. Your answers are submitted automatically when time runs out."
            : "1 minute left.";
        }
      });
      if (left <= 0) {
        clearInterval(timer);
        autoSubmit();
      }
    }
    var timer = setInterval(tick, 1000);
    tick();
  }

  function autoSubmit() {
    if (preview) return; // the countdown runs to show it; there is nothing to submit
    if (submitting) return;
    submitting = true;
    var form = root.querySelector("form[data-auto-submit]");
    if (!form) return;
    var announce = root.querySelector("[data-countdown-announce]");
    if (announce) announce.textContent = "Time is up. Saving and submitting your answers…";
    var global = root.querySelector("[data-global-status]");
    if (global) global.textContent = "Time is up. Saving and submitting your answers…";
    // Whatever is pending is saved first (the server accepts saves for a short grace period).
    flush().then(function () {
      root.querySelectorAll("[data-answer-form] input, [data-answer-form] textarea, [data-answer-form] button")
        .forEach(function (input) { input.disabled = true; });
      var attempt = 0;
      function send() {
        fetch(form.action, { method: "POST", credentials: "same-origin", body: new FormData(form) })
          .then(function (response) {
            if (!response.ok) throw new Error(String(response.status));
            window.location.assign(root.dataset.attemptUrl);
          })
          .catch(function () {
            attempt += 1;
            if (global) global.textContent = "Time is up. Submitting failed — retrying. Your answers are kept on this device.";
            setTimeout(send, Math.min(MAX_BACKOFF_MS, 2000 * Math.pow(2, attempt - 1)));
          });
      }
      send();
    });
  }

  function setupReviewLinks() {
    root.querySelectorAll("[data-review-link]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!questions.some(function (q) { return q.dirty; })) return;
        event.preventDefault();
        var global = root.querySelector("[data-global-status]");
        if (global) global.textContent = "Saving before you review…";
        flush().then(function (allSaved) {
          if (allSaved) { window.location.assign(link.href); return; }
          if (global) global.textContent = "Some answers are not saved yet, so you cannot submit them. Check your connection and try again; they are kept on this device.";
        });
      });
    });
  }

  setupTabs();
  if (root.dataset.inProgress === "true") setupCountdown();
  if (!editable) return;

  questions = Array.prototype.map.call(root.querySelectorAll("[data-question]"), setupQuestion);
  questions.forEach(function (q) {
    if (q.savedAt) setStatus(q, "saved");
    else setStatus(q, "idle", "Not answered yet");
    checkLocalCopy(q);
  });
  activeQuestion = questions.filter(function (q) { return q.evidence; })[0] || null;
  root.querySelectorAll("[data-source-text]").forEach(function (source) {
    // No caret is placed on focus: a mouse drag that starts by focusing the text would lose
    // its selection. The first arrow key places it at the start instead.
    source.addEventListener("keydown", sourceKeys);
  });
  setupReviewLinks();

  // Every answer with unsaved changes, failed ones included: a retry never waits longer than this.
  setInterval(function () {
    questions.forEach(function (q) {
      if (q.dirty && !q.inflight && !q.blocked) save(q);
    });
  }, PERIODIC_MS);

  // Back online: retry everything unsaved now rather than when its back-off runs out.
  window.addEventListener("online", function () {
    questions.forEach(function (q) {
      if (!q.dirty || q.blocked) return;
      q.failures = 0;
      if (q.inflight) q.inflight.then(function () { if (q.dirty && !q.blocked) save(q); });
      else save(q);
    });
  });

  // Leaving the page: send what is pending (keepalive lets it outlive the page); the copy on
  // this device covers the rest.
  window.addEventListener("pagehide", function () {
    questions.forEach(function (q) { if (q.dirty && !q.inflight && !q.blocked) save(q, { keepalive: true }); });
  });
})();
