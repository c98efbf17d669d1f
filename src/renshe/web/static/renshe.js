// Page behaviour without inline handlers: the Content-Security-Policy allows scripts
// from this site only (renshe.http.hardening), so onclick="…" and javascript: links
// would not run. Elements say what they need with data attributes.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-back]").forEach(function (el) {
    el.addEventListener("click", function (event) { event.preventDefault(); history.back(); });
  });
});

// The calculator form (政策计算器): the subject switch, the region picker, the industry
// search, the live size class and the USCC check character. The server computes
// everything (one place); the page only asks it while the form is being filled.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("calc-form");
  if (!form) { return; }

  function subject() {
    var checked = form.querySelector('input[name="subject"]:checked');
    return checked ? checked.value : "enterprise";
  }
  function showSubject() {
    var s = subject();
    form.querySelectorAll("fieldset[data-for]").forEach(function (fs) {
      fs.hidden = fs.getAttribute("data-for").split(" ").indexOf(s) < 0;
    });
  }
  form.querySelectorAll('input[name="subject"]').forEach(function (r) { r.addEventListener("change", showSubject); });
  showSubject();

  // province → city → district: only the children of the level above are offered
  var province = document.getElementById("f-province");
  var city = document.getElementById("f-city");
  var district = document.getElementById("f-district");
  function filter(select, parent) {
    select.querySelectorAll("option[data-parent]").forEach(function (o) {
      var show = !!parent && o.getAttribute("data-parent") === parent;
      o.hidden = !show; o.disabled = !show;
    });
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.disabled) { select.value = ""; }
    select.disabled = !select.querySelector("option[data-parent]:not([disabled])");
  }
  function regionsChanged() { filter(city, province.value); filter(district, city.value); }
  province.addEventListener("change", function () { city.value = ""; district.value = ""; regionsChanged(); });
  city.addEventListener("change", function () { district.value = ""; regionsChanged(); });
  regionsChanged();
  form.addEventListener("submit", function () { city.disabled = false; district.disabled = false; });

  function getJSON(url, done) {
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); }).then(done).catch(function () {});
  }
  function debounce(fn, ms) {
    var t = null;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  // live size class (企业划型), computed by the server's size rules
  var sizeFields = ["industry", "employees", "revenue", "assets", "size"];
  function updateSize() {
    var q = sizeFields.map(function (n) {
      var el = document.getElementById("f-" + n);
      return n + "=" + encodeURIComponent(el ? el.value : "");
    }).join("&");
    getJSON("/calculate/size?" + q, function (d) {
      document.getElementById("size-label").textContent = d.label || "—";
      document.getElementById("size-basis").textContent = (d.basis || "") + (d.citation ? "（依据 " + d.citation + "）" : "");
      document.getElementById("size-box").setAttribute("data-size", d.size || "");
    });
  }
  var sizeSoon = debounce(updateSize, 250);
  sizeFields.forEach(function (n) {
    var el = document.getElementById("f-" + n);
    if (el) { el.addEventListener("input", sizeSoon); el.addEventListener("change", sizeSoon); }
  });

  // industry search over the Chinese names of GB/T 4754-2017
  var industry = document.getElementById("f-industry");
  var hits = document.getElementById("industry-hits");
  function search() {
    var q = industry.value.trim();
    if (!q) { hits.innerHTML = ""; return; }
    getJSON("/calculate/industries?q=" + encodeURIComponent(q), function (d) {
      hits.innerHTML = "";
      d.industries.forEach(function (i) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        b.setAttribute("data-code", i.code);
        b.textContent = i.code + " " + i.name + (i.name !== i.section ? "（" + i.section + "）" : "");
        b.addEventListener("click", function () {
          industry.value = i.code + " " + i.name;
          hits.innerHTML = "";
          updateSize();
        });
        li.appendChild(b);
        hits.appendChild(li);
      });
    });
  }
  industry.addEventListener("input", debounce(search, 200));

  // USCC: say what is wrong, and offer the whole code when only the check character is
  var uscc = document.getElementById("f-uscc");
  var advice = document.getElementById("uscc-advice");
  var lastChecked = null;
  function checkUscc() {
    var code = uscc.value.trim();
    if (code === lastChecked) { return; }  // a blur after typing (the fill button's click) changes nothing
    lastChecked = code;
    if (code.length < 17) { advice.innerHTML = ""; return; }
    getJSON("/calculate/uscc?code=" + encodeURIComponent(code), function (d) {
      advice.innerHTML = "";
      if (d.ok) { return; }
      var p = document.createElement("span");
      p.textContent = d.message;
      advice.appendChild(p);
      if (d.fill) {
        var b = document.createElement("button");
        b.type = "button"; b.id = "uscc-fill"; b.textContent = "填入 " + d.fill;
        b.addEventListener("click", function () { uscc.value = d.fill; lastChecked = d.fill; advice.innerHTML = ""; });
        advice.appendChild(b);
      }
    });
  }
  uscc.addEventListener("input", debounce(checkUscc, 300));
  uscc.addEventListener("change", checkUscc);
  if (uscc.getAttribute("aria-invalid") === "true") { checkUscc(); }  // a refused code: offer the fill at once
});
