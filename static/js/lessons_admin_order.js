/*
 * Reorder admin inline rows (lessons of a unit, items of a lesson) without typing numbers.
 *
 * Every inline group whose forms have a hidden "position" input gets "Move up" / "Move down"
 * buttons on each row. Moving a row moves it in the page and rewrites the hidden positions in
 * page order (0, 1, 2 …); the server saves them with the form. Plain buttons, so the keyboard
 * works as it does everywhere (Tab, Enter, Space); the new place is announced to screen readers.
 * Loaded through the admin's Media, no inline script or style (strict CSP), no dependencies.
 */
(function () {
  "use strict";

  function prefixOf(group) {
    var data = group.getAttribute("data-inline-formset");
    if (data) {
      try {
        return JSON.parse(data).options.prefix;
      } catch (error) {
        /* fall through to the id */
      }
    }
    return group.id.replace(/-group$/, "");
  }

  function rowsOf(group, prefix) {
    var pattern = new RegExp("^" + prefix + "-\\d+$");
    return Array.prototype.filter.call(group.querySelectorAll("[id]"), function (el) {
      return pattern.test(el.id) && !el.classList.contains("empty-form");
    });
  }

  function positionInput(row) {
    return row.querySelector('input[type="hidden"][name$="-position"]');
  }

  function isOrdered(group, prefix) {
    return group.querySelector('input[type="hidden"][name^="' + prefix + '-"][name$="-position"]');
  }

  function describe(row, index) {
    var title = row.querySelector('input[name$="-title"], input[name$="-label"]');
    var text = title && title.value.trim();
    return text ? "“" + text + "”" : "Row " + (index + 1);
  }

  function renumber(group, prefix) {
    var rows = rowsOf(group, prefix);
    rows.forEach(function (row, index) {
      var input = positionInput(row);
      if (input) {
        input.value = String(index);
      }
      var up = row.querySelector("button[data-order-move='up']");
      var down = row.querySelector("button[data-order-move='down']");
      if (up) {
        up.disabled = index === 0;
      }
      if (down) {
        down.disabled = index === rows.length - 1;
      }
    });
    return rows;
  }

  function makeButton(direction) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button order-move";
    button.setAttribute("data-order-move", direction);
    button.textContent = direction === "up" ? "Move up" : "Move down";
    return button;
  }

  function addControls(row, isTabular) {
    if (row.querySelector(".order-controls")) {
      return;
    }
    var controls = document.createElement("span");
    controls.className = "order-controls";
    controls.appendChild(makeButton("up"));
    controls.appendChild(makeButton("down"));
    if (isTabular) {
      var cell = document.createElement("td");
      cell.className = "field-order";
      cell.appendChild(controls);
      row.appendChild(cell);
    } else {
      var heading = row.querySelector("h3") || row;
      heading.appendChild(controls);
    }
  }

  function enhance(group) {
    var prefix = prefixOf(group);
    if (!prefix || !isOrdered(group, prefix) || group.hasAttribute("data-order-ready")) {
      return;
    }
    group.setAttribute("data-order-ready", "");
    var isTabular = !!group.querySelector("table");
    if (isTabular) {
      var headRow = group.querySelector("thead tr");
      if (headRow) {
        var th = document.createElement("th");
        th.className = "column-order";
        th.textContent = "Order";
        headRow.appendChild(th);
      }
    }
    var status = document.createElement("p");
    status.className = "order-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    group.appendChild(status);

    // The empty template row too, so that rows added with "Add another" carry the buttons.
    var template = group.querySelector("#" + prefix + "-empty");
    rowsOf(group, prefix).concat(template ? [template] : []).forEach(function (row) {
      addControls(row, isTabular);
    });
    renumber(group, prefix);

    group.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-order-move]");
      if (!button || !group.contains(button)) {
        return;
      }
      event.preventDefault();
      var rows = rowsOf(group, prefix);
      var row = rows.find(function (candidate) {
        return candidate.contains(button);
      });
      if (!row) {
        return;
      }
      var index = rows.indexOf(row);
      var up = button.getAttribute("data-order-move") === "up";
      var other = rows[up ? index - 1 : index + 1];
      if (!other) {
        return;
      }
      if (up) {
        other.parentNode.insertBefore(row, other);
      } else {
        other.parentNode.insertBefore(other, row);
      }
      var reordered = renumber(group, prefix);
      var newIndex = reordered.indexOf(row);
      // Moving a node drops its focus: give it back, to the same button if still usable.
      var target = button.disabled
        ? row.querySelector("button[data-order-move='" + (up ? "down" : "up") + "']")
        : button;
      if (target) {
        target.focus();
      }
      status.textContent =
        describe(row, newIndex) + " moved to position " + (newIndex + 1) + " of " +
        reordered.length + ".";
    });
  }

  function enhanceAll() {
    document.querySelectorAll(".js-inline-admin-formset, .inline-group").forEach(enhance);
  }

  document.addEventListener("formset:added", function (event) {
    var group = event.target.closest(".inline-group");
    if (group && group.hasAttribute("data-order-ready")) {
      renumber(group, prefixOf(group));
    }
  });
  document.addEventListener("formset:removed", function () {
    document.querySelectorAll(".inline-group[data-order-ready]").forEach(function (group) {
      renumber(group, prefixOf(group));
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
