// Intake: find the caller as the number is typed, fill in what we know, warn of open requests
// and, above all, of an open referral.
(function () {
  "use strict";
  var form = document.getElementById("intake");
  if (!form) return;
  var phone = form.elements.phone, out = document.getElementById("lookup-result");
  var requestUrl = form.dataset.requestUrl.replace(/0\/$/, "");
  var timer = null, last = "";
  var details = document.getElementById("resident-fields");

  function list(title, rows, cls) {
    if (!rows.length) return null;
    // Earlier requests fold away (one Tab stop); open ones stay in view, to stop a duplicate.
    var folded = cls === "history";
    var box = document.createElement(folded ? "details" : "div");
    box.className = cls;
    var h = document.createElement(folded ? "summary" : "strong");
    h.textContent = title + (folded ? " (" + rows.length + ")" : "");
    box.appendChild(h);
    var ul = document.createElement("ul");
    rows.forEach(function (r) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = requestUrl + r.id + "/";
      a.textContent = "#" + r.code + " " + r.kind + " · " + r.status + " · " + r.created_at;
      li.appendChild(a);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  function show(data) {
    out.replaceChildren();
    var p = document.createElement("p");
    out.appendChild(p);
    if (!data.valid) { p.textContent = out.dataset.invalid; return; }
    form.elements.send_summary.checked = data.mobile;
    form.elements.send_summary.disabled = !data.mobile;
    if (!data.mobile) p.textContent = data.display + " · " + out.dataset.landline;
    if (!data.resident) {
      p.textContent = data.display + " · " + out.dataset.new + (data.mobile ? "" : " " + out.dataset.landline);
      return;
    }
    var r = data.resident;
    p.textContent = out.dataset.found + ": " + (r.name || data.display);
    // Known: their details are filled in below and folded away, one Tab stop instead of ten.
    if (details) details.open = false;
    if (data.open_referral) {
      var alarm = document.createElement("p");
      alarm.className = "warning referral-warning";
      alarm.setAttribute("role", "alert");
      alarm.textContent = out.dataset.referral;
      out.insertBefore(alarm, p);
      form.elements.send_summary.checked = false;
      form.elements.send_summary.disabled = true;
    }
    var addressEmpty = !form.elements.address.value;
    ["name", "address", "district", "language"].forEach(function (f) {
      if (r[f] !== null && r[f] !== "" && !form.elements[f].value) form.elements[f].value = r[f];
    });
    // Their address as picked from the register before: kept while its text is left as is.
    if (addressEmpty && r.address && r.place && !form.elements.place.value) {
      form.elements.place.value = String(r.place);
      form.elements.place.dataset.label = r.address;
    }
    if (r.language) form.elements.language.value = r.language;
    ["is_70_plus", "lives_alone", "chronic_illness", "no_internet"].forEach(function (f) {
      form.elements[f].checked = r[f];
    });
    form.elements.consent.checked = r.consent_current;
    var open = list(out.dataset.open, data.open_requests, "warning");
    if (open) out.appendChild(open);
    var hist = list(out.dataset.history, data.history, "history");
    if (hist) out.appendChild(hist);
  }

  function lookup(again) {
    var value = phone.value.trim();
    if ((value === last && !again) || value.replace(/\D/g, "").length < 7) return;
    last = value;
    fetch(form.dataset.lookup + "?phone=" + encodeURIComponent(value), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) { if (phone.value.trim() === value) show(data); })
      .catch(function () {});
  }

  phone.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 150); });
  phone.addEventListener("blur", function () { lookup(false); });
  // Enter in the number looks the caller up; it must never send the form (it once saved a
  // request with nothing but a number and the first kind in the menu).
  phone.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(timer);
    lookup(true);
  });
  // What a referral is about matters only for a referral (the kinds are on the field); the
  // safe-callback note stays in view, as any request may come to need it.
  var kind = form.elements.kind, concern = form.elements.concern;
  function concernShow() {
    var kinds = concern.dataset.kinds.split(" ");
    concern.closest(".field").hidden = kinds.indexOf(kind.value) < 0;
  }
  if (kind && concern) {
    kind.addEventListener("change", concernShow);
    concernShow();
  }
  // The kind fills in the task (its phrase, for the operator to change) and its urgency,
  // unless the operator has already written or chosen something else.
  var task = form.elements.task_text, urgency = form.elements.urgency, filled = "";
  var urgencyTouched = false;
  urgency.addEventListener("change", function () { urgencyTouched = true; });
  kind.addEventListener("change", function () {
    var option = kind.options[kind.selectedIndex];
    if (!option || !option.dataset.phrase) return;
    if (!task.value.trim() || task.value === filled) task.value = filled = option.dataset.phrase;
    if (!urgencyTouched) urgency.value = option.dataset.urgency;
  });
  // The time window: quick choices; the two pickers only behind "a time".
  var pickers = document.getElementById("window-pickers");
  function pickersShow() {
    var chosen = form.querySelector("input[name=when]:checked");
    pickers.hidden = !(chosen && chosen.value === "time");
  }
  if (form.elements.window_start.value || form.elements.window_end.value) {
    form.querySelector("input[name=when][value=time]").checked = true;
  }
  form.querySelectorAll("input[name=when]").forEach(function (radio) {
    radio.addEventListener("change", pickersShow);
  });
  pickersShow();
  // Ctrl+Enter saves from any field but the number (Enter there only looks the caller up).
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.target === phone) return;
    event.preventDefault();
    form.requestSubmit(document.getElementById("intake-save"));
  });
  // One submit: the token makes a second one harmless anyway, this saves the round trip.
  form.addEventListener("submit", function () {
    setTimeout(function () { document.getElementById("intake-save").disabled = true; }, 0);
  });
})();
