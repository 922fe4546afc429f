// The address field suggests the register's doors as the caller's address is typed. A pick
// fills the hidden place (the door matching measures from) and the district; text changed
// after a pick drops it, so an old door is never saved. An ARIA combobox: arrows move, Enter
// picks (never sends the form while the list is open), Escape closes.
(function () {
  "use strict";
  var WAIT = 180, MIN_LETTERS = 2;

  function wire(input) {
    var place = document.getElementById(input.dataset.place);
    var district = document.getElementById(input.dataset.district);
    if (!place) return;
    var list = document.createElement("ul"), status = document.createElement("small");
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.listLabel);
    list.hidden = true;
    status.id = input.id + "-status";
    status.className = "muted suggestions-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-describedby", status.id);
    input.insertAdjacentElement("afterend", status);
    input.insertAdjacentElement("afterend", list);
    // The text the shown pick was made as (a resident's saved pick, as the page came).
    if (place.value && !place.dataset.label) place.dataset.label = input.value;

    var timer = null, asked = 0, results = [], active = -1;
    // The last answer and what it answered: ArrowDown opens it again after Escape.
    var lastQuery = null, lastRows = [];

    function say(text) { status.textContent = text; }

    function close() {
      say("");  // a count of suggestions no longer shown would mislead
      list.hidden = true;
      list.replaceChildren();
      results = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index < 0) { input.removeAttribute("aria-activedescendant"); return; }
      var li = list.children[index];
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({block: "nearest"});
    }

    function pick(index) {
      var row = results[index];
      if (!row) return;
      input.value = row.label;
      // The district chosen before the first pick, given back if the pick is dropped.
      if (district && !place.value) place.dataset.districtBefore = district.value;
      place.value = String(row.id);
      place.dataset.label = row.label;
      if (district && row.district_id !== null && district.value !== String(row.district_id)) {
        district.value = String(row.district_id);
        district.dispatchEvent(new Event("change", {bubbles: true}));
      }
      if (district) place.dataset.districtPicked = district.value;
      close();
      say(input.dataset.picked);
    }

    function show(rows, query) {
      lastQuery = query;
      lastRows = rows;
      list.replaceChildren();
      results = rows;
      active = -1;
      rows.forEach(function (row, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.place = String(row.id);
        li.textContent = row.label;
        if (row.district) {
          var where = document.createElement("span");
          where.className = "muted";
          where.textContent = " · " + row.district;
          li.appendChild(where);
        }
        list.appendChild(li);
      });
      list.hidden = !rows.length;
      input.setAttribute("aria-expanded", rows.length ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
      if (!rows.length) say(input.dataset.foundNone);
      else if (rows.length === 1) say(input.dataset.foundOne);
      else say(input.dataset.foundMany.replace("%(n)s", String(rows.length)));
    }

    function suggest() {
      var query = input.value.trim();
      var number = ++asked;
      if (query.replace(/\W/g, "").length < MIN_LETTERS) { close(); say(""); return; }
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          // Only the answer to the latest question: a slower earlier one is dropped.
          if (number !== asked || input.value.trim() !== query) return;
          if (document.activeElement !== input) return;
          show(data.results || [], query);
        })
        .catch(function () { if (number === asked) close(); });
    }

    input.addEventListener("input", function () {
      if (place.value && input.value !== place.dataset.label) {
        place.value = "";  // edited after the pick: an address as typed
        delete place.dataset.label;
        // The district the pick set goes too, unless the operator has changed it since.
        var before = place.dataset.districtBefore;
        if (district && before !== undefined && district.value === place.dataset.districtPicked) {
          district.value = before;
          district.dispatchEvent(new Event("change", {bubbles: true}));
        }
        delete place.dataset.districtBefore;
        delete place.dataset.districtPicked;
      }
      clearTimeout(timer);
      asked++;  // an answer on its way is for text no longer in the field
      timer = setTimeout(suggest, WAIT);
    });
    input.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var open = !list.hidden && results.length > 0;
      if (event.key === "ArrowDown" && !open) {
        // Down opens the list again (after Escape, or a blur) at its first suggestion.
        if (lastQuery !== input.value.trim() || !lastRows.length) return;
        event.preventDefault();
        show(lastRows, lastQuery);
        highlight(0);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        var last = results.length - 1;
        if (event.key === "ArrowDown") highlight(active >= last ? 0 : active + 1);
        else highlight(active <= 0 ? last : active - 1);
      } else if (event.key === "Enter") {
        if (!open) return;
        // In the list Enter picks; it never sends the form half filled in.
        event.preventDefault();
        if (active >= 0) pick(active); else close();
      } else if (event.key === "Escape") {
        if (!open) return;
        event.preventDefault();
        close();
      } else if (event.key === "Tab") {
        close();
      }
    });
    // A press in the list keeps the focus in the field, then picks.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var li = event.target.closest("li[role=option]");
      if (li) pick(Array.prototype.indexOf.call(list.children, li));
    });
    input.addEventListener("blur", function () { clearTimeout(timer); asked++; close(); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(wire);
})();
