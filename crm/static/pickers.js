/* Record pickers (crm/views/pickers.py).
 *
 * The server renders a <select> holding at most the chosen record; this turns it
 * into a Select2 box that asks the record's lookup endpoint for matches as the
 * user types, a page at a time, so no page ever lists a whole table.
 *
 * FAB's ab.js initialises ".my_select2" (and the "_ajax" variants) on load;
 * pickers carry neither class, only "crm-picker" and data-crm-picker, so they are
 * set up once, here, with the Select2 4.0.13 and jQuery that FAB already serves.
 */
(function ($) {
  "use strict";

  // Texts come translated from the server (data-picker-texts).
  function language(texts) {
    var say = function (key) {
      return function () { return texts[key] || ""; };
    };
    return {
      searching: say("searching"),
      noResults: say("noResults"),
      loadingMore: say("loadingMore"),
      errorLoading: say("errorLoading"),
      inputTooShort: say("inputTooShort"),
      removeAllItems: say("removeAllItems")
    };
  }

  function setUp(element) {
    var $select = $(element);
    if ($select.data("select2")) {
      return; // already a picker
    }
    $select.select2({
      theme: "bootstrap",
      width: "100%",
      placeholder: String($select.data("placeholder") || ""),
      allowClear: $select.data("allowClear") === true,
      minimumInputLength: parseInt($select.data("minimumInputLength"), 10) || 0,
      language: language($select.data("pickerTexts") || {}),
      ajax: {
        url: $select.data("lookupUrl"),
        dataType: "json",
        delay: 250, // wait for a pause in typing: one request per word, not per key
        data: function (params) {
          return { q: params.term || "", page: params.page || 1 };
        },
        processResults: function (data) {
          return { results: data.results || [], pagination: { more: !!data.more } };
        }
      }
    });
    // Select2 4.0.13 loses the search box's focus on open under FAB's jQuery 3.6
    // (select2/select2#5993); give it back so the user can type straight away.
    $select.on("select2:open", function () {
      var search = $select.data("select2").$dropdown.find(".select2-search__field");
      if (search.length) {
        search[0].focus();
      }
    });
  }

  function setUpAll(root) {
    $(root || document).find("select[data-crm-picker]").each(function () { setUp(this); });
  }

  $(function () { setUpAll(); });
  // For forms inserted after the page loaded.
  window.crmPickers = { setUp: setUp, setUpAll: setUpAll };
})(jQuery);
