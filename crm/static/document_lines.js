/* The lines table of the sales order and invoice forms: add a row from the
   template (with the document's default discount), remove a row. The server
   checks everything; empty rows are ignored there. */
(function () {
  "use strict";
  var table = document.getElementById("crm-lines");
  var template = document.getElementById("crm-line-template");
  var add = document.getElementById("crm-add-line");
  if (!table || !template || !add) { return; }
  var body = table.tBodies[0];
  var discount = document.getElementById("discount_rate");

  add.addEventListener("click", function () {
    var row = template.content.firstElementChild.cloneNode(true);
    var cell = row.querySelector('input[name="line-discount_rate"]');
    if (discount && cell && discount.value !== "") { cell.value = discount.value; }
    body.appendChild(row);
    row.querySelector("input").focus();
  });

  table.addEventListener("click", function (event) {
    var button = event.target.closest(".crm-remove-line");
    if (!button) { return; }
    var row = button.closest("tr");
    if (body.rows.length > 1) {
      body.removeChild(row);
    } else {
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    }
  });
}());
