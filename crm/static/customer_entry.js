/* Customer add form: the shipping address's fields show only while "Different shipping
   address" is ticked (unticked, the server ignores them). */
(function () {
  "use strict";
  var flag = document.querySelector("input[name=different_shipping]");
  if (!flag) { return; }
  var rows = Array.prototype.map.call(
    document.querySelectorAll("[name^=shipping_]"),
    function (input) { return input.closest("tr"); }
  );
  function follow() {
    rows.forEach(function (row) { if (row) { row.style.display = flag.checked ? "" : "none"; } });
  }
  flag.addEventListener("change", follow);
  follow();
})();
