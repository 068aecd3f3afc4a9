"""Pages of the targets app: the letters (the city's matrix, a zone's letter, the report) and the supervised tasks
(the list and its export, a task, the bulletin)."""

from django.urls import path

from yuanqu.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.letter_overview, name="letter-overview"),
    path("report.xlsx", views.letter_export, name="letter-export"),
    path("letters/new/", views.letter_create, name="letter-create"),
    path("letters/<int:pk>/", views.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/edit/", views.letter_edit, name="letter-edit"),
    path("letters/<int:pk>/lines/new/", views.line_create, name="line-create"),
    path("lines/<int:pk>/edit/", views.line_edit, name="line-edit"),
    path("lines/<int:pk>/delete/", views.line_delete, name="line-delete"),
    path("lines/<int:pk>/report/", views.line_report, name="line-report"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/export.xlsx", views.task_export, name="task-export"),
    path("tasks/bulletin/", views.task_bulletin, name="task-bulletin"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/notice.docx", views.task_notice, name="task-notice"),
    path("attachments/<int:pk>/", views.task_attachment, name="task-attachment"),
    path("tasks/<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone-done"),
    path("tasks/<int:pk>/advance/", views.task_advance, name="task-advance"),
    path("tasks/<int:pk>/extend/", views.task_extend, name="task-extend"),
]
