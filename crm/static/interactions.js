/* The interaction form's deal and contact pickers (crm/views/pipeline/interactions.py).
 *
 * They offer only the chosen customer's deals and contacts: their lookups get
 * ?customer=<id>, taken from the customer picker, or from the page's
 * _flt_0_customer when the form was opened from a customer's tab (the customer
 * field is then not shown). A new customer clears them. The server refuses a
 * deal or contact of another customer whatever the browser sends.
 */
(function ($) {
  "use strict";

  function customerId() {
    var picked = $("select[name=customer]").val();
    if (picked) {
      return picked;
    }
    var fromTab = /[?&]_flt_0_customer=(\d+)/.exec(window.location.search);
    return fromTab ? fromTab[1] : "";
  }

  function repoint() {
    var id = customerId();
    $("select[data-depends-on-customer]").each(function () {
      var $select = $(this);
      var base = $select.attr("data-lookup-url");
      $select.data("lookupUrl", base + (base.indexOf("?") < 0 ? "?" : "&") +
                                "customer=" + encodeURIComponent(id));
      if ($select.data("select2")) {
        $select.select2("destroy");
      }
      window.crmPickers.setUp(this);
    });
  }

  $(function () {
    repoint();
    $("select[name=customer]").on("change", function () {
      $("select[data-depends-on-customer]").val(null).trigger("change");
      repoint();
    });
  });
})(jQuery);
