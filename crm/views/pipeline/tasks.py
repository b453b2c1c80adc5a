"""Task screens: the task list (filters by status, priority, assignee and due date),
"My tasks", and the quick actions that mark a task done or reopen it.

Overdue tasks (still open, due before today) are highlighted with ``crm-overdue``
wherever tasks are listed: the list, a customer's Tasks tab and My tasks.
"""

from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext, lazy_gettext as _l

from crm import formatting
from crm.datamodel.tasks import OpenFirst
from crm.extensions import db
from crm.fields.pipeline import PRIORITIES, TASK, TASK_STATUSES
from crm.models import CrmUser, Customer, Deal, Lead, Task
from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import current_user_id, get_owned
from crm.services.core import lookups
from crm.services.core.errors import CrmError
from crm.services.pipeline import tasks
from crm.views.base import CrmModelView, flash_error
from crm.views.fields import LocalDateTimeField, choice_field, company_picker, label_of
from crm.views.pickers import RecordPickerField, lookup_args, lookup_response
from crm.views.pipeline.interactions import deal_label

ACTIVE_USERS = [["active", FilterEqual, True]]


def lead_label(lead):
    return " · ".join(filter(None, [lead.title, lead.company_name or lead.contact_name]))


def _with_default(field, value):
    field.kwargs["default"] = value
    return field


def _form_fields():
    return {
        "priority": _with_default(choice_field(TASK.label("priority"), PRIORITIES), "normal"),
        "status": choice_field(TASK.label("status"), TASK_STATUSES),
        "remind_at": LocalDateTimeField(
            TASK.label("remind_at"),
            description=_l(
                "Left empty: from the due date and the assignee's reminder setting. "
                "Cleared on a saved task: no reminder."
            ),
        ),
        "customer": RecordPickerField(
            _l("Customer"),
            model=Customer,
            lookup="CustomerView.lookup",
            required=False,
            placeholder=_l("Choose a customer"),
            messages={
                "unknown": _l("No such customer. Choose one from the list."),
                "inactive": _l("%(name)s is archived. Choose an active customer."),
            },
        ),
        "company": company_picker(),
        "deal": RecordPickerField(
            _l("Deal"),
            model=Deal,
            lookup="TaskView.lookup_deals",
            required=False,
            active_only=False,
            placeholder=_l("Choose a deal"),
            label_of=deal_label,
            messages={"unknown": _l("No such deal. Choose one from the list.")},
        ),
        "lead": RecordPickerField(
            _l("Lead"),
            model=Lead,
            lookup="TaskView.lookup_leads",
            required=False,
            active_only=False,
            placeholder=_l("Choose a lead"),
            label_of=lead_label,
            messages={"unknown": _l("No such lead. Choose one from the list.")},
        ),
    }


def safe_next(default):
    """Back to the page the quick action was clicked on, if it is one of ours."""
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


class TaskListWidget(ListWidget):
    """FAB's list with overdue rows highlighted and mark-done / reopen buttons."""

    template = "crm/task_list_widget.html"

    def __init__(self, **kwargs):
        kwargs.setdefault("today", tasks.today())
        kwargs.setdefault("is_overdue", tasks.is_overdue)
        super().__init__(**kwargs)


class TaskView(CrmModelView):
    datamodel = OpenFirst(Task, prefetch=("assignee", "customer", "company", "deal", "lead"))
    class_permission_name = "Task"
    route_base = "/tasks"
    list_title = _l("Tasks")
    show_title = _l("Task")
    add_title = _l("Add task")
    edit_title = _l("Edit task")
    label_columns = TASK.labels()
    list_columns = TASK.columns("list")
    show_columns = TASK.columns("show")
    add_columns = edit_columns = TASK.columns("form")
    search_columns = TASK.columns("search")
    search_form_extra_fields = {
        "status": choice_field(TASK.label("status"), TASK_STATUSES),
        "priority": choice_field(TASK.label("priority"), PRIORITIES),
    }
    order_columns = ["title", "due_date", "priority", "status"]
    base_order = ("due_date", "asc")
    formatters_columns = {
        "status": label_of(TASK_STATUSES),
        "priority": label_of(PRIORITIES),
        "remind_at": formatting.moment,
        "reminded_at": formatting.moment,
    }
    add_form_extra_fields = _form_fields()
    edit_form_extra_fields = _form_fields()
    add_form_query_rel_fields = {"assignee": ACTIVE_USERS}
    description_columns = {
        "status": _l("Done and cancelled tasks are reopened before being finished another way."),
        "deal": _l("Left empty, the task's customer and company are the deal's."),
    }
    list_widget = TaskListWidget
    show_template = "crm/task_show.html"
    prepare = staticmethod(tasks.prepare)

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        # A new task is the author's own unless they hand it to someone.
        if request.method == "GET" and form.assignee.data is None:
            form.assignee.data = get_owned(self.session, CrmUser, current_user_id())
        return super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        task = self.datamodel.get(pk, self._base_filters)
        if task is None:
            abort(404)
        widgets = self._show(pk)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets, task=task
        )

    def _quick(self, pk, change, done_message):
        task = self.datamodel.get(pk, self._base_filters)
        if task is None:
            abort(404)
        try:
            change(self.session, task)
            flash(done_message % {"title": task.title}, "success")
        except CrmError as exc:
            flash_error(exc)
        return redirect(safe_next(url_for(".list")))

    @expose("/done/<int:pk>", methods=["POST"])
    @has_access
    def mark_done(self, pk):
        return self._quick(pk, tasks.complete, gettext("“%(title)s” is done."))

    @expose("/reopen/<int:pk>", methods=["POST"])
    @has_access
    def reopen(self, pk):
        return self._quick(pk, tasks.reopen, gettext("“%(title)s” is open again."))

    @expose("/lookup_deals")
    @has_access
    def lookup_deals(self):
        """Deals matching ``?q=``, open ones first, for the task's deal picker."""
        term, page = lookup_args()
        return lookup_response(lookups.deals_to_link(self.session, term, page), deal_label)

    @expose("/lookup_leads")
    @has_access
    def lookup_leads(self):
        """Leads matching ``?q=``, open ones first, for the task's lead picker."""
        term, page = lookup_args()
        return lookup_response(lookups.leads_to_link(self.session, term, page), lead_label)


class MyTasksView(BaseView):
    """The signed-in user's open and in-progress tasks, soonest due first."""

    class_permission_name = "Task"
    method_permission_name = METHOD_VERBS
    route_base = "/my-tasks"
    default_view = "my_tasks"

    @expose("/")
    @has_access
    def my_tasks(self):
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        rows, more = tasks.my_open_tasks(db.session, current_user_id(), page)
        return self.render_template(
            "crm/my_tasks.html",
            tasks=rows,
            page=page,
            more=more,
            today=tasks.today(),
            is_overdue=tasks.is_overdue,
            status_labels=TASK_STATUSES,
            priority_labels=PRIORITIES,
            title=gettext("My tasks"),
        )
