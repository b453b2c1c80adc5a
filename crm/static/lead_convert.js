/* Lead conversion form (templates/crm/lead_convert.html): show only the company and deal
   fields the choices need, and only the chosen pipeline's stages. */
(function () {
  "use strict";
  var form = document.getElementById("convert-form");
  if (!form) { return; }
  function sync() {
    var option = (form.querySelector("input[name=company_option]:checked") || {}).value;
    form.querySelector(".crm-company-existing").style.display = option === "existing" ? "" : "none";
    form.querySelector(".crm-company-new").style.display = option === "new" ? "" : "none";
    form.querySelector(".crm-deal-fields").style.display = form.create_deal.checked ? "" : "none";
    var pipeline = form.pipeline.value;
    Array.prototype.forEach.call(form.stage.options, function (option) {
      var owner = option.getAttribute("data-pipeline");
      option.hidden = owner !== null && owner !== pipeline;
      if (option.hidden && option.selected) { form.stage.value = ""; }
    });
  }
  form.addEventListener("change", sync);
  sync();
}());
