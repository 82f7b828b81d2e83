// The letters table: filter, sort and page through window.IMR_LETTERS
// (data/letters.js).  Only one page of rows is in the DOM at a time, so the
// table stays fast at 100,000 letters.  Filters live in the URL's #fragment,
// so a filtered view can be linked to (the overview does).
(function () {
  "use strict";
  var D = window.IMR_LETTERS, PAGE = 50;
  var F = { ID: 0, PATH: 1, YEAR: 2, LAYOUT: 3, SPEC: 4, DRUGS: 5, RULES: 6, SEV: 7, ERR: 8, WARN: 9, INFO: 10, ITEMS: 11, UNREADABLE: 12, HREF: 13 };
  var SEVBIT = { error: 1, warning: 2, info: 4 };
  var state = { rule: "", category: "", severity: "", drug: "", year: "", path: "", sort: "", desc: false, page: 0 };
  var shown = [];
  function $(id) { return document.getElementById(id); }

  function fill(select, values, labels) {
    values.forEach(function (v, i) {
      var o = document.createElement("option");
      o.value = String(v); o.textContent = labels ? labels[i] : String(v);
      select.appendChild(o);
    });
  }
  function sortedIndexes(list) {
    return list.map(function (_, i) { return i; }).sort(function (a, b) { return list[a] < list[b] ? -1 : list[a] > list[b] ? 1 : 0; });
  }
  function setup() {
    var r = sortedIndexes(D.rules);
    fill($("f-rule"), r, r.map(function (i) { return D.rules[i]; }));
    fill($("f-category"), D.categories.map(function (_, i) { return i; }), D.categories);
    fill($("f-severity"), D.severities);
    var d = sortedIndexes(D.drugs);
    fill($("f-drug"), d, d.map(function (i) { return D.drugs[i]; }));
    var years = {};
    D.rows.forEach(function (row) { if (row[F.YEAR] !== null) years[row[F.YEAR]] = true; });
    fill($("f-year"), Object.keys(years).sort());
  }

  // Filters by name in the URL: #rule=ID&category=NAME&severity=S&drug=NAME&year=Y&path=TEXT
  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    state.rule = params.has("rule") ? String(D.rules.indexOf(params.get("rule"))) : "";
    state.category = params.has("category") ? String(D.categories.indexOf(params.get("category"))) : "";
    state.drug = params.has("drug") ? String(D.drugs.indexOf(params.get("drug"))) : "";
    state.severity = params.get("severity") || "";
    state.year = params.get("year") || "";
    state.path = params.get("path") || "";
    state.page = 0;
    ["rule", "category", "severity", "drug", "year"].forEach(function (k) {
      if (state[k] === "-1") state[k] = "-1";
      $("f-" + k).value = state[k];
    });
    $("f-path").value = state.path;
  }
  function writeHash() {
    var parts = [];
    if (state.rule) parts.push("rule=" + encodeURIComponent(D.rules[+state.rule]));
    if (state.category) parts.push("category=" + encodeURIComponent(D.categories[+state.category]));
    if (state.severity) parts.push("severity=" + state.severity);
    if (state.drug) parts.push("drug=" + encodeURIComponent(D.drugs[+state.drug]));
    if (state.year) parts.push("year=" + state.year);
    if (state.path) parts.push("path=" + encodeURIComponent(state.path));
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
  }

  function matches(row) {
    if (state.rule !== "" && row[F.RULES].indexOf(+state.rule) < 0) return false;
    if (state.category !== "") {
      var c = +state.category;
      if (!row[F.RULES].some(function (r) { return D.ruleCategory[r] === c; })) return false;
    }
    if (state.severity && !(row[F.SEV] & SEVBIT[state.severity])) return false;
    if (state.drug !== "" && row[F.DRUGS].indexOf(+state.drug) < 0) return false;
    if (state.year && String(row[F.YEAR]) !== state.year) return false;
    if (state.path && row[F.PATH].toLowerCase().indexOf(state.path.toLowerCase()) < 0) return false;
    return true;
  }
  var KEYS = {
    path: function (r) { return r[F.PATH]; }, year: function (r) { return r[F.YEAR] === null ? -1 : r[F.YEAR]; },
    layout: function (r) { return r[F.LAYOUT] === null ? -1 : r[F.LAYOUT]; },
    specialty: function (r) { return r[F.SPEC] === null ? "" : D.specialties[r[F.SPEC]]; },
    items: function (r) { return r[F.ITEMS]; }, error: function (r) { return r[F.ERR]; },
    warning: function (r) { return r[F.WARN]; }, info: function (r) { return r[F.INFO]; }
  };
  function apply() {
    shown = D.rows.filter(matches);
    if (state.sort) {
      var key = KEYS[state.sort], sign = state.desc ? -1 : 1;
      shown.sort(function (a, b) { var x = key(a), y = key(b); return x < y ? -sign : x > y ? sign : a[F.ID] - b[F.ID]; });
    }
    render();
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function render() {
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    var body = document.querySelector("#letters tbody"), frag = document.createDocumentFragment();
    shown.slice(state.page * PAGE, state.page * PAGE + PAGE).forEach(function (row) {
      var tr = document.createElement("tr");
      tr.dataset.id = row[F.ID];
      var td = cell(tr, "", "path"), a = document.createElement("a");
      a.href = row[F.HREF]; a.textContent = row[F.PATH]; td.appendChild(a);
      if (row[F.UNREADABLE]) { var b = document.createElement("span"); b.className = "badge sev-error"; b.textContent = "unreadable"; td.appendChild(document.createTextNode(" ")); td.appendChild(b); }
      cell(tr, row[F.YEAR] === null ? "" : row[F.YEAR], "num");
      cell(tr, row[F.LAYOUT] === null ? "" : row[F.LAYOUT], "num");
      cell(tr, row[F.SPEC] === null ? "" : D.specialties[row[F.SPEC]]);
      cell(tr, row[F.DRUGS].map(function (i) { return D.drugs[i]; }).join(", "));
      cell(tr, row[F.ITEMS], "num");
      cell(tr, row[F.ERR], "num"); cell(tr, row[F.WARN], "num"); cell(tr, row[F.INFO], "num");
      cell(tr, row[F.RULES].map(function (i) { return D.rules[i]; }).join(", "));
      frag.appendChild(tr);
    });
    body.replaceChildren(frag);
    $("match-count").textContent = shown.length.toLocaleString("en-US") + " of " + D.rows.length.toLocaleString("en-US") + " letters match";
    $("page-info").textContent = "page " + (state.page + 1) + " of " + pages;
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
    document.querySelectorAll("#letters th[data-sort]").forEach(function (th) {
      if (th.dataset.sort === state.sort) th.setAttribute("aria-sort", state.desc ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
  }
  function bind() {
    ["rule", "category", "severity", "drug", "year"].forEach(function (k) {
      $("f-" + k).addEventListener("change", function (e) { state[k] = e.target.value; state.page = 0; writeHash(); apply(); });
    });
    $("f-path").addEventListener("input", function (e) { state.path = e.target.value; state.page = 0; writeHash(); apply(); });
    $("f-clear").addEventListener("click", function () { history.replaceState(null, "", location.pathname); readHash(); apply(); });
    $("prev").addEventListener("click", function () { state.page -= 1; render(); });
    $("next").addEventListener("click", function () { state.page += 1; render(); });
    document.querySelectorAll("#letters th[data-sort]").forEach(function (th) {
      th.addEventListener("click", function () {
        state.desc = state.sort === th.dataset.sort ? !state.desc : false;
        state.sort = th.dataset.sort; apply();
      });
    });
    window.addEventListener("hashchange", function () { readHash(); apply(); });
  }
  setup(); bind(); readHash(); apply();
})();
