/*
 * Excerpt picker (templates/admin/archive/document/pick_excerpt.html).
 *
 * Maps a mouse or keyboard selection in the document's text to the two character offsets the
 * server slices the excerpt with; the server never takes the passage itself from the browser.
 *
 * Offsets count Unicode code points, as Python's str does, while JavaScript strings count UTF-16
 * code units, so every conversion goes through codePoints()/utf16Index(). Each paragraph element
 * carries data-start, its offset in document.text; between two paragraphs the text holds only
 * newlines (the "\n\n" separators), which is how the whole text is rebuilt here.
 */
(function () {
  "use strict";

  // Exactly Python's str.isspace(), so the trimming here matches excerpt_create's.
  var SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
  var SENTENCE_END = ".!?\u2026";
  var CLOSERS = "\"'\u201d\u2019\u00bb)]";
  // "J. V. Stalin", "No. 12": a full stop after these does not end a sentence.
  var ABBREVIATIONS = ["Mr", "Mrs", "Dr", "St", "No", "Nos", "Vol", "pp", "cf", "Gen", "Col"];

  function codePoints(text) {
    var count = 0;
    for (var _ of text) count++; // for-of walks code points, not UTF-16 units
    return count;
  }

  function utf16Index(text, count) {
    var index = 0;
    for (var c of text) {
      if (count-- <= 0) break;
      index += c.length;
    }
    return index;
  }

  function init() {
    var root = document.getElementById("picker-text");
    var form = document.getElementById("excerpt-picker-form");
    if (!root || !form) {
      return;
    }
    var startInput = form.elements.namedItem("start");
    var endInput = form.elements.namedItem("end");
    var status = document.getElementById("picker-status");
    var preview = document.getElementById("picker-preview");

    var total = Number(root.dataset.length);
    var paragraphs = Array.prototype.map.call(
      root.querySelectorAll(".picker-paragraph"),
      function (el) {
        var text = el.textContent;
        return { el: el, text: text, start: Number(el.dataset.start), length: codePoints(text) };
      }
    );
    if (!paragraphs.length) {
      return;
    }
    var chars = new Array(total).fill("\n");
    paragraphs.forEach(function (p) {
      Array.from(p.text).forEach(function (c, i) {
        chars[p.start + i] = c;
      });
    });
    var sentences = findSentences();
    var current = null; // the selected passage, {start, end}, trimmed

    function isSpace(i) {
      return SPACE.test(chars[i]);
    }

    function findSentences() {
      var found = [];
      function add(start, end) {
        while (start < end && isSpace(start)) start++;
        while (end > start && isSpace(end - 1)) end--;
        if (start < end) found.push({ start: start, end: end });
      }
      function isAbbreviation(dot, from) {
        var i = dot;
        while (i > from && !isSpace(i - 1) && chars[i - 1] !== "(") i--;
        var word = chars.slice(i, dot).join("");
        return /^\p{Lu}$/u.test(word) || ABBREVIATIONS.indexOf(word) !== -1;
      }
      paragraphs.forEach(function (p) {
        var end = p.start + p.length;
        var from = p.start;
        var i = p.start;
        while (i < end) {
          if (chars[i] === "\n") {
            add(from, i);
            from = i + 1;
            i += 1;
          } else if (SENTENCE_END.indexOf(chars[i]) !== -1) {
            var j = i + 1;
            while (j < end && (SENTENCE_END + CLOSERS).indexOf(chars[j]) !== -1) j++;
            if ((j === end || isSpace(j)) && !(chars[i] === "." && isAbbreviation(i, from))) {
              add(from, j);
              from = j;
            }
            i = j;
          } else {
            i += 1;
          }
        }
        add(from, end);
      });
      return found;
    }

    // A DOM boundary point (from a mouse selection) as an offset into the document's text.
    function offsetAt(node, offset, isEnd) {
      var previous = null;
      for (var k = 0; k < paragraphs.length; k++) {
        var p = paragraphs[k];
        var range = document.createRange();
        range.selectNodeContents(p.el);
        var where = range.comparePoint(node, offset);
        if (where < 0) {
          // Between two paragraphs: an end belongs to the one before, a start to this one.
          return isEnd && previous ? previous.start + previous.length : p.start;
        }
        if (where === 0) {
          if (node.nodeType === Node.TEXT_NODE) {
            return p.start + codePoints(node.data.slice(0, offset));
          }
          return node === p.el && offset === 0 ? p.start : p.start + p.length;
        }
        previous = p;
      }
      return previous.start + previous.length;
    }

    // An offset into the text as a DOM boundary point, to show a keyboard selection.
    function pointAt(offset) {
      for (var k = 0; k < paragraphs.length; k++) {
        var p = paragraphs[k];
        if (offset <= p.start + p.length) {
          return [p.el.firstChild, utf16Index(p.text, Math.max(0, offset - p.start))];
        }
      }
      var last = paragraphs[paragraphs.length - 1];
      return [last.el.firstChild, last.text.length];
    }

    function summary(passage) {
      var words = passage.split(/\s+/).filter(Boolean);
      var quoted =
        words.length <= 16
          ? words.join(" ")
          : words.slice(0, 6).join(" ") + " \u2026 " + words.slice(-6).join(" ");
      return (
        "Selected " + words.length + (words.length === 1 ? " word" : " words") +
        " (characters " + current.start + "\u2013" + current.end + "): \u201c" + quoted + "\u201d"
      );
    }

    // Record a passage (trimmed like the server trims it); false when it holds only spaces.
    function show(start, end) {
      start = Math.max(0, Math.min(start, total));
      end = Math.max(start, Math.min(end, total));
      while (start < end && isSpace(start)) start++;
      while (end > start && isSpace(end - 1)) end--;
      if (start >= end) {
        return false;
      }
      if (current && current.start === start && current.end === end) {
        return true;
      }
      current = { start: start, end: end };
      startInput.value = String(start);
      endInput.value = String(end);
      var passage = chars.slice(start, end).join("");
      preview.textContent = passage;
      preview.hidden = false;
      status.textContent = summary(passage);
      return true;
    }

    function clear() {
      current = null;
      startInput.value = "";
      endInput.value = "";
      preview.textContent = "";
      preview.hidden = true;
      status.textContent = "Nothing selected yet.";
      document.getSelection().removeAllRanges();
    }

    function keepInView(offset) {
      var point = pointAt(offset);
      var caret = document.createRange();
      caret.setStart(point[0], point[1]);
      var rect = caret.getBoundingClientRect();
      var box = root.getBoundingClientRect();
      if (!rect.height) {
        return;
      }
      if (rect.bottom > box.bottom) {
        root.scrollTop += rect.bottom - box.bottom + 24;
      } else if (rect.top < box.top) {
        root.scrollTop -= box.top - rect.top + 24;
      }
    }

    function select(passage, moved) {
      if (!show(passage.start, passage.end)) {
        return;
      }
      var from = pointAt(current.start);
      var to = pointAt(current.end);
      document.getSelection().setBaseAndExtent(from[0], from[1], to[0], to[1]);
      keepInView(moved === "start" ? current.start : current.end);
    }

    function lastWhere(list, test) {
      for (var k = list.length - 1; k >= 0; k--) {
        if (test(list[k])) return list[k];
      }
      return null;
    }

    function wordEndAfter(i) {
      while (i < total && isSpace(i)) i++;
      while (i < total && !isSpace(i)) i++;
      return i;
    }

    function wordStartBefore(i) {
      while (i > 0 && isSpace(i - 1)) i--;
      while (i > 0 && !isSpace(i - 1)) i--;
      return i;
    }

    // What a key does to the selection: a passage, null to clear it, undefined if not ours.
    function keyAction(key, shift) {
      var cur = current;
      if (!cur && key.indexOf("Arrow") === 0) {
        return { passage: sentences[0], moved: "end" };
      }
      var next;
      switch (key) {
        case "ArrowDown":
          if (shift) {
            next = sentences.find(function (s) { return s.end > cur.end; });
            return { passage: next ? { start: cur.start, end: next.end } : cur, moved: "end" };
          }
          return { passage: sentences.find(function (s) { return s.start >= cur.end; }) || cur, moved: "end" };
        case "ArrowUp":
          if (shift) {
            next = lastWhere(sentences, function (s) { return s.end < cur.end && s.end > cur.start; });
            return { passage: next ? { start: cur.start, end: next.end } : cur, moved: "end" };
          }
          return { passage: lastWhere(sentences, function (s) { return s.end <= cur.start; }) || cur, moved: "start" };
        case "ArrowRight":
          if (shift) {
            return { passage: { start: cur.start, end: wordEndAfter(cur.end) }, moved: "end" };
          }
          next = wordEndAfter(cur.start);
          while (next < cur.end && isSpace(next)) next++;
          return { passage: next < cur.end ? { start: next, end: cur.end } : cur, moved: "start" };
        case "ArrowLeft":
          if (shift) {
            next = cur.end;
            while (next > cur.start && !isSpace(next - 1)) next--;
            while (next > cur.start && isSpace(next - 1)) next--;
            return { passage: next > cur.start ? { start: cur.start, end: next } : cur, moved: "end" };
          }
          return { passage: { start: wordStartBefore(cur.start), end: cur.end }, moved: "start" };
        case "Escape":
          return null;
        default:
          return undefined;
      }
    }

    root.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      var action = keyAction(event.key, event.shiftKey);
      if (action === undefined) {
        return;
      }
      event.preventDefault();
      if (action === null) {
        clear();
      } else if (action.passage) {
        select(action.passage, action.moved);
      }
    });

    document.addEventListener("selectionchange", function () {
      var selection = document.getSelection();
      // A click elsewhere (into the label, say) collapses the selection: keep the passage.
      if (!selection || !selection.rangeCount || selection.isCollapsed) {
        return;
      }
      var range = selection.getRangeAt(0);
      if (!range.intersectsNode(root)) {
        return;
      }
      show(
        offsetAt(range.startContainer, range.startOffset, false),
        offsetAt(range.endContainer, range.endOffset, true)
      );
    });

    // After a refused save the page comes back with the offsets: show that passage again.
    if (/^\d+$/.test(startInput.value) && /^\d+$/.test(endInput.value)) {
      select({ start: Number(startInput.value), end: Number(endInput.value) }, "start");
    }
    // Keys pressed before this point did nothing; tests (and styles) wait for the mark.
    root.dataset.pickerReady = "true";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
