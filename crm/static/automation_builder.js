/* The automation rule form (crm/views/settings/automation_fields.py): each condition and
   action row shows only what its choices need — the fields of the chosen kind of record,
   a typed value or a choice of user, stage or status, the inputs of the chosen action. */
(function () {
  "use strict";
  function entity() {
    var select = document.querySelector("select[name=entity]");
    return select ? select.value : "";
  }
  function show(element, visible) {
    if (element) { element.style.display = visible ? "" : "none"; }
  }
  function fitFields(select) {
    if (!select) { return; }
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var mine = group.getAttribute("data-entity") === entity();
      group.disabled = !mine;
      show(group, mine);
    });
    var chosen = select.options[select.selectedIndex];
    if (!chosen || chosen.parentNode.disabled) {
      var first = select.querySelector("optgroup:not([disabled]) option");
      if (first) { select.value = first.value; }
    }
  }
  function fitValue(row, kind, wanted) {
    var typed = row.querySelector("input[name$='-value']");
    var ref = row.querySelector("select[name$='-value_ref']");
    var isRef = ["user", "stage", "lead_status", "lead_source"].indexOf(kind) >= 0;
    show(typed, wanted && !isRef);
    show(ref, wanted && isRef);
    if (ref) {
      Array.prototype.forEach.call(ref.querySelectorAll("optgroup"), function (group) {
        show(group, group.getAttribute("data-kind") === kind);
      });
      if (!isRef) { ref.value = ""; }
    }
    if (typed && isRef) { typed.value = ""; }
  }
  function fieldKind(row) {
    var field = row.querySelector("select[name$='-field']");
    var option = field && field.options[field.selectedIndex];
    return option ? option.getAttribute("data-kind") : "";
  }
  function fitCondition(row) {
    var op = row.querySelector("select[name$='-op']").value;
    var recordOps = { stage_entered: "stage", deal_won: null, deal_lost: null, lead_status_is: "lead_status" };
    var field = row.querySelector("select[name$='-field']");
    fitFields(field);
    if (Object.prototype.hasOwnProperty.call(recordOps, op)) {
      show(field, false);
      fitValue(row, recordOps[op], recordOps[op] !== null);
    } else {
      show(field, op !== "");
      fitValue(row, fieldKind(row), ["", "is_empty", "is_set", "changed"].indexOf(op) < 0);
    }
  }
  function fitAction(row) {
    var type = row.querySelector("select[name$='-type']").value;
    Array.prototype.forEach.call(row.querySelectorAll("span[data-for]"), function (span) {
      show(span, type !== "" && span.getAttribute("data-for").split(" ").indexOf(type) >= 0);
    });
    var assignee = row.querySelector("select[name$='-assignee']");
    if (type === "create_task" && assignee) {
      show(row.querySelector("span[data-for~=assign_owner] select[name$='-user_id']").parentNode,
           assignee.value === "user");
    }
    if (type === "set_field") {
      fitFields(row.querySelector("select[name$='-field']"));
      fitValue(row, fieldKind(row), true);
    }
  }
  function fitAll() {
    document.querySelectorAll("[data-rows=conditions] [data-row]").forEach(fitCondition);
    document.querySelectorAll("[data-rows=actions] [data-row]").forEach(fitAction);
  }
  document.addEventListener("change", function (event) {
    var row = event.target.closest("[data-row]");
    if (event.target.name === "entity") { fitAll(); }
    else if (row && row.parentNode.getAttribute("data-rows") === "conditions") { fitCondition(row); }
    else if (row) { fitAction(row); }
  });
  document.addEventListener("DOMContentLoaded", fitAll);
})();
