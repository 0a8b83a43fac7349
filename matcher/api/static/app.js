/* matcher: the embeddable trial search page. Plain JavaScript, no build step, no external requests.
 *
 * It calls the API next to it (relative URLs, so it also works under a path prefix):
 *   GET  health   {data_date, ...}          once on load, for "Trials as of ..."
 *   POST search   {text, patient: {age, sex, location}, filters: {country: [..], within, include_closed}, top}
 *   POST explain  {nct_id, text, patient}   when a result is expanded
 * Everything is rendered with textContent, never innerHTML.
 * In an iframe it posts {type: "matcher:height", height} to the parent so the host page can resize it.
 */
(function () {
  "use strict";

  var TOP = 10;
  var ELIGIBILITY = {
    eligible: { label: "Likely eligible", icon: "\u2713" },
    uncertain: { label: "Possibly eligible", icon: "?" },
    ineligible: { label: "Not eligible", icon: "\u2717" }
  };
  var VERDICTS = {
    inclusion: { pass: "Met", fail: "Not met", unknown: "Unknown", not_applicable: "Does not apply" },
    exclusion: { pass: "Not excluded", fail: "Excludes you", unknown: "Unknown", not_applicable: "Does not apply" }
  };
  var VERDICT_ICONS = { pass: "\u2713", fail: "\u2717", unknown: "?", not_applicable: "\u2013" };
  // A trial that no longer enrols gets this badge instead of an eligibility: it cannot be joined.
  var CLOSED = { label: "Not recruiting", icon: "\u2298" };
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  // API error fields -> the input that shows the message ("filters.within" fails for want of a usable place)
  var FIELD_INPUTS = {
    text: "text", "patient.text": "text", "patient.age": "age", "patient.sex": "sex",
    "patient.location": "location", "filters.within": "location", filters: "country"
  };
  var FIELD_PREFIXES = [["patient.location", "location"], ["filters.country", "country"]];
  var ERROR_IDS = ["text", "age", "sex", "location", "country"];

  var form, textInput, ageInput, sexInput, locationInput, withinInput, countryInput, closedInput;
  var submitButton, statusBox;
  var searching = false;
  var lastRequest = null; // the patient as sent with the last search; /explain reuses it
  var explanations = {};

  function $(id) { return document.getElementById(id); }

  function h(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "text") node.textContent = value;
        else if (key === "className") node.className = value;
        else node.setAttribute(key, value === true ? "" : String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) child.forEach(function (c) { if (c) node.appendChild(c); });
      else node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function humanStatus(status) {
    if (!status) return "Status unknown";
    var words = String(status).toLowerCase().replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function setStatus(message, isError) {
    statusBox.textContent = message;
    statusBox.classList.toggle("is-error", Boolean(isError));
  }

  // -- errors on fields ---------------------------------------------------------
  function clearFieldErrors() {
    ERROR_IDS.forEach(function (id) {
      var input = $(id);
      var error = $(id + "-error");
      input.removeAttribute("aria-invalid");
      error.textContent = "";
      error.hidden = true;
    });
  }

  function showFieldError(id, message) {
    var input = $(id);
    var error = $(id + "-error");
    input.setAttribute("aria-invalid", "true");
    error.textContent = message;
    error.hidden = false;
    return input;
  }

  function inputForField(field) {
    if (!field) return null;
    if (FIELD_INPUTS[field]) return FIELD_INPUTS[field];
    for (var i = 0; i < FIELD_PREFIXES.length; i++) {
      if (field.indexOf(FIELD_PREFIXES[i][0]) === 0) return FIELD_PREFIXES[i][1];
    }
    return null;
  }

  // The API's message for a distance it cannot use names command-line options; say it for this form.
  function fieldMessage(field, message) {
    if (field !== "filters.within") return message;
    return locationInput.value.trim() ?
      "Distance is measured from a city or US ZIP code. Give one here, or choose \u201cAny distance\u201d." :
      "To search by distance, say where you live (a city or US ZIP code), or choose \u201cAny distance\u201d.";
  }

  // -- API ------------------------------------------------------------------
  function ApiError(status, message, field) {
    this.status = status;
    this.message = message;
    this.field = field;
  }

  function messageFor(status, data, response) {
    if (status === 429) {
      var wait = response && response.headers.get("Retry-After");
      return "Too many searches in a short time. Please wait " + (wait || "a few") + " seconds and try again.";
    }
    if (status === 413) return "The description is too long. Please shorten it.";
    if (status === 404) return "This trial is no longer in the index.";
    if (status === 422 && data && Array.isArray(data.detail) && data.detail.length) {
      return data.detail[0].msg;
    }
    return "Something went wrong (" + status + "). Please try again.";
  }

  function getJSON(path) {
    return fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  function postJSON(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok) {
          var field = data && Array.isArray(data.detail) && data.detail[0] ? data.detail[0].field : null;
          throw new ApiError(response.status, messageFor(response.status, data, response), field);
        }
        return data;
      });
    }, function () {
      throw new ApiError(0, "The search service could not be reached. Check your connection and try again.");
    });
  }

  // -- the form ---------------------------------------------------------------
  function readForm() {
    var request = {};
    var text = textInput.value.trim();
    if (text) request.text = text;
    var patient = {};
    var age = ageInput.value.trim();
    if (age !== "") patient.age = Number(age);
    if (sexInput.value) patient.sex = sexInput.value;
    var location = locationInput.value.trim();
    if (location) patient.location = location;
    if (Object.keys(patient).length) request.patient = patient;
    return request;
  }

  function readFilters() {
    var filters = {};
    var country = countryInput.value.trim();
    if (country) filters.country = [country];
    // Sent even without a location: the description may name a place, and the API says if it does not.
    if (withinInput.value) filters.within = withinInput.value;
    if (closedInput.checked) filters.include_closed = true;
    return Object.keys(filters).length ? filters : null;
  }

  function validate(request) {
    var age = ageInput.value.trim();
    if (age !== "" && (!isFinite(Number(age)) || Number(age) < 0 || Number(age) > 130)) {
      return showFieldError("age", "Enter an age in years between 0 and 130, or leave it empty.");
    }
    if (!request.text && !request.patient) {
      return showFieldError("text", "Describe the patient to search for trials.");
    }
    return null;
  }

  function onSubmit(event) {
    event.preventDefault();
    if (searching) return;
    clearFieldErrors();
    var request = readForm();
    var invalid = validate(request);
    if (invalid) {
      setStatus("Please correct the highlighted field.", true);
      invalid.focus();
      return;
    }
    var body = { top: TOP };
    Object.keys(request).forEach(function (k) { body[k] = request[k]; });
    var filters = readFilters();
    if (filters) body.filters = filters;

    searching = true;
    submitButton.setAttribute("aria-disabled", "true");
    $("results-section").setAttribute("aria-busy", "true");
    setStatus("Searching\u2026");
    postJSON("search", body).then(function (data) {
      lastRequest = request;
      explanations = {};
      renderSearch(data, filters || {});
    }, function (error) {
      var id = inputForField(error.field);
      if (id) {
        showFieldError(id, fieldMessage(error.field, error.message));
        $(id).focus();
        setStatus("Please correct the highlighted field.", true);
      } else {
        setStatus(error.message, true);
      }
    }).then(function () {
      searching = false;
      submitButton.removeAttribute("aria-disabled");
      $("results-section").removeAttribute("aria-busy");
    });
  }

  // -- results ----------------------------------------------------------------
  function badge(eligibility) {
    var e = ELIGIBILITY[eligibility] || { label: eligibility, icon: "" };
    return h("span", { className: "badge badge-" + eligibility },
      h("span", { "aria-hidden": "true", text: e.icon }), e.label);
  }

  function closedBadge(status) {
    return h("span", { className: "badge badge-closed" },
      h("span", { "aria-hidden": "true", text: CLOSED.icon }), CLOSED.label + " (" + humanStatus(status) + ")");
  }

  // 12 km, 7 mi; 0.4 km under ten
  function distance(value) {
    var n = Number(value);
    if (!isFinite(n)) return "";
    return String(n < 10 ? Math.round(n * 10) / 10 : Math.round(n));
  }

  function nearestSite(site) {
    if (!site) return null;
    var where = "";
    [site.facility, site.city, site.state, site.country].forEach(function (part) {
      part = part ? String(part).trim() : "";
      if (!part) return;
      var tail = where.slice(-part.length - 2).toLowerCase();  // "VA Medical Center, Dayton" + "Dayton"
      if (tail === ", " + part.toLowerCase() || where.toLowerCase() === part.toLowerCase()) return;
      where += (where ? ", " : "") + part;
    });
    var far = site["in"] && !Number(site.km) ? "in " + site["in"] :
      site.km === null || site.km === undefined ? "" : distance(site.km) + " km (" + distance(site.miles) + " mi)";
    if (!where && !far) return null;
    return h("p", { className: "nearest-site" },
      h("span", { className: "label", text: "Nearest site: " }), [where, far].filter(Boolean).join(" \u2014 "));
  }

  function formatDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m || !MONTHS[Number(m[2]) - 1]) return iso;
    return Number(m[3]) + " " + MONTHS[Number(m[2]) - 1] + " " + m[1];
  }

  function showDataDate(iso) {
    if (!iso) return;
    var box = $("data-date");
    clear(box);
    box.appendChild(document.createTextNode("Trials as of "));
    box.appendChild(h("time", { datetime: iso, text: formatDate(iso) }));
    box.appendChild(document.createTextNode(" (from ClinicalTrials.gov)."));
    box.hidden = false;
  }

  function renderResult(result, listName) {
    var key = listName + "-" + result.nct_id;
    var detailsId = "details-" + key;
    var titleId = "title-" + key;
    var toggle = h("button", {
      type: "button", className: "button-secondary", "aria-expanded": "false", "aria-controls": detailsId,
      "aria-describedby": titleId, text: "Show all criteria"
    });
    var details = h("div", { id: detailsId, className: "details", hidden: true });
    toggle.addEventListener("click", function () { toggleDetails(result, toggle, details); });
    var counts = plural(result.pass, "criterion met", "criteria met") + " \u00b7 " +
      result.fail + " not met \u00b7 " + result.unknown + " unknown";
    // Only `enrolling: true` may look joinable; anything else (false, missing) is shown as closed.
    var open = result.enrolling === true;
    return h("li", {
      className: "result" + (open ? "" : " result-closed"), id: "result-" + key,
      "data-nct-id": result.nct_id, "data-enrolling": open ? "true" : "false"
    },
      h("article", { "aria-labelledby": titleId },
        h("h3", { id: titleId, className: "result-title", text: result.title || result.nct_id }),
        h("p", { className: "meta" },
          open ? badge(result.eligibility) : closedBadge(result.status),
          h("span", { text: result.nct_id }),
          open ? h("span", { className: "recruiting", text: humanStatus(result.status) }) : null),
        open ? null : h("p", { className: "closed-warning",
          text: "This trial is not enrolling patients (" + humanStatus(result.status).toLowerCase() +
            "), so you cannot join it. It is listed for reference only." }),
        nearestSite(result.nearest_site),
        h("p", { className: "counts", text: counts }),
        result.reasons && result.reasons.length ?
          h("ul", { className: "reasons", "aria-label": "Main reasons" },
            result.reasons.map(function (r) { return h("li", { text: r }); })) : null,
        h("div", { className: "actions" },
          toggle,
          h("a", {
            className: "trial-link", href: "https://clinicaltrials.gov/study/" + encodeURIComponent(result.nct_id),
            target: "_blank", rel: "noopener noreferrer"
          }, "View " + result.nct_id + " on ClinicalTrials.gov",
            h("span", { className: "visually-hidden", text: " (opens in a new tab)" }))),
        details));
  }

  function renderUnderstood(patient) {
    var lines = (patient && patient.lines) || [];
    var list = $("understood");
    clear(list);
    lines.forEach(function (line) { list.appendChild(h("li", { text: line })); });
    $("understood-section").hidden = lines.length === 0;
  }

  function renderClosedNote(closed) {
    var note = $("closed-note");
    var n = Number(closed) || 0;
    note.textContent = n > 0 ? (n === 1 ? "1 close match that no longer recruits is not shown" :
      n + " close matches that no longer recruit are not shown") +
      " \u2014 tick \u2018Include trials that are no longer recruiting\u2019 to see them." : "";
    note.hidden = n <= 0;
  }

  function renderSearch(data, filters) {
    renderUnderstood(data.patient);
    showDataDate(data.data_date);
    renderClosedNote(data.closed);
    var results = data.results || [];
    var excluded = data.excluded || [];
    var questions = data.questions || [];
    var list = $("results");
    clear(list);
    results.forEach(function (r) { list.appendChild(renderResult(r, "results")); });
    $("results-section").hidden = false;

    var qList = $("questions");
    clear(qList);
    questions.forEach(function (q) { qList.appendChild(h("li", { text: q })); });
    $("questions-section").hidden = questions.length === 0;

    var xList = $("excluded");
    clear(xList);
    excluded.forEach(function (r) { xList.appendChild(renderResult(r, "excluded")); });
    $("excluded-section").hidden = excluded.length === 0;

    if (!results.length) {
      var notes = (data.patient && data.patient.notes) || [];
      var tries = ["describing the condition in other words"];
      if (filters.within) tries.push("a larger distance");
      if (filters.country) tries.push("removing the country");
      setStatus(notes.length ? notes[notes.length - 1] :
        "No matching trials found. Try " + tries.join(", ").replace(/, ([^,]*)$/, " or $1") + ".");
      return;
    }
    var open = results.filter(function (r) { return r.enrolling === true; });
    var eligible = open.filter(function (r) { return r.eligibility === "eligible"; }).length;
    var possible = open.filter(function (r) { return r.eligibility === "uncertain"; }).length;
    var closed = results.length - open.length;
    setStatus(plural(results.length, "trial", "trials") + " found: " + eligible + " likely eligible, " +
      possible + " possibly eligible" + (closed ? ", " + closed + " no longer recruiting" : "") + "." +
      (questions.length ? " " + plural(questions.length, "question", "questions") +
      " could settle more criteria." : ""));
  }

  // -- per-criterion explanation -------------------------------------------------
  function toggleDetails(result, button, details) {
    var open = button.getAttribute("aria-expanded") === "true";
    if (open) {
      button.setAttribute("aria-expanded", "false");
      button.textContent = "Show all criteria";
      details.hidden = true;
      return;
    }
    button.setAttribute("aria-expanded", "true");
    button.textContent = "Hide criteria";
    details.hidden = false;
    if (explanations[result.nct_id]) {
      renderExplanation(details, explanations[result.nct_id]);
      return;
    }
    clear(details);
    details.setAttribute("aria-busy", "true");
    details.appendChild(h("p", { role: "status", text: "Loading every criterion\u2026" }));
    var body = { nct_id: result.nct_id };
    Object.keys(lastRequest || {}).forEach(function (k) { body[k] = lastRequest[k]; });
    postJSON("explain", body).then(function (data) {
      explanations[result.nct_id] = data;
      renderExplanation(details, data);
    }, function (error) {
      clear(details);
      details.appendChild(h("p", { className: "field-error", role: "alert", text: error.message }));
    }).then(function () { details.removeAttribute("aria-busy"); });
  }

  function criterionItem(c) {
    var labels = VERDICTS[c.section] || VERDICTS.inclusion;
    return h("li", { className: "criterion", "data-verdict": c.verdict },
      h("span", { className: "badge verdict-" + c.verdict },
        h("span", { "aria-hidden": "true", text: VERDICT_ICONS[c.verdict] || "" }), labels[c.verdict] || c.verdict),
      h("div", null,
        h("p", { className: "criterion-text", text: c.text }),
        c.reason ? h("p", { className: "criterion-reason", text: c.reason }) : null));
  }

  function renderExplanation(details, data) {
    clear(details);
    var criteria = data.criteria || [];
    var sections = [["inclusion", "Inclusion criteria (you must meet these)"],
                    ["exclusion", "Exclusion criteria (these would rule you out)"]];
    sections.forEach(function (pair) {
      var items = criteria.filter(function (c) { return c.section === pair[0]; });
      if (!items.length) return;
      details.appendChild(h("h4", { text: pair[1] + ": " + items.length }));
      details.appendChild(h("ul", { className: "criteria" }, items.map(criterionItem)));
    });
    if (!criteria.length) {
      details.appendChild(h("p", { text: "This trial lists no eligibility criteria." }));
    }
    if (data.questions && data.questions.length) {
      details.appendChild(h("h4", { text: "To settle this trial" }));
      details.appendChild(h("ul", { className: "trial-questions" },
        data.questions.map(function (q) { return h("li", { text: q }); })));
    }
  }

  // -- embedding: tell a parent frame our height ---------------------------------------
  function reportHeight() {
    if (window.parent === window) return;
    var height = Math.ceil(document.documentElement.scrollHeight);
    try { window.parent.postMessage({ type: "matcher:height", height: height }, "*"); } catch (e) { /* ignore */ }
  }

  function init() {
    form = $("search-form");
    textInput = $("text");
    ageInput = $("age");
    sexInput = $("sex");
    locationInput = $("location");
    withinInput = $("within");
    countryInput = $("country");
    closedInput = $("include-closed");
    submitButton = $("submit");
    statusBox = $("status");
    form.addEventListener("submit", onSubmit);
    // "Trials as of ..." before the first search; a search response updates it.
    getJSON("health").then(function (data) { if (data) showDataDate(data.data_date); }, function () { /* shown later */ });
    if (window.parent !== window && "ResizeObserver" in window) {
      new ResizeObserver(reportHeight).observe(document.body);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
