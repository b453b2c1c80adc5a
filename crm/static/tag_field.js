/* The customer form's tags (crm/views/tag_field.py): a Select2 box of the tenant's tags
   where a name typed and confirmed with Enter or a comma that is not in the list is
   added as a new tag, created when the customer is saved. */
(function ($) {
  "use strict";
  $(function () {
    $("select[data-crm-tags]").each(function () {
      $(this).select2({
        theme: "bootstrap",
        width: "100%",
        tags: true,
        tokenSeparators: [","],
        createTag: function (params) {
          var name = $.trim(params.term);
          return name ? { id: name, text: name, newTag: true } : null;
        }
      });
    });
  });
})(jQuery);
