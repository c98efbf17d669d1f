// The service-matter form (办事事项): province → city → district offers only the children
// of the level above; the appointment fields show only for 现场预约办理.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("matter-form");
  if (!form) { return; }
  var province = document.getElementById("m-province");
  var city = document.getElementById("m-city");
  var district = document.getElementById("m-district");
  function filter(select, parent) {
    select.querySelectorAll("option[data-parent]").forEach(function (o) {
      var show = !!parent && o.getAttribute("data-parent") === parent;
      o.hidden = !show; o.disabled = !show;
    });
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.disabled) { select.value = ""; }
  }
  function regionsChanged() { filter(city, province.value); filter(district, city.value); }
  province.addEventListener("change", function () { city.value = ""; district.value = ""; regionsChanged(); });
  city.addEventListener("change", function () { district.value = ""; regionsChanged(); });
  regionsChanged();
  var appointment = form.querySelector("[data-for-channel]");
  function channelChanged() {
    var checked = form.querySelector('input[name="channel"]:checked');
    if (appointment) { appointment.hidden = !checked || checked.value !== "appointment"; }
  }
  form.querySelectorAll('input[name="channel"]').forEach(function (r) { r.addEventListener("change", channelChanged); });
  channelChanged();
});
