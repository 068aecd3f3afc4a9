from django.urls import path

from yuanqu.chains import views

app_name = "chains"
urlpatterns = [
    path("", views.chain_list, name="chain-list"),
    path("new/", views.chain_edit, name="chain-add"),
    path("<int:pk>/", views.chain_detail, name="chain-detail"),
    path("<int:pk>/edit/", views.chain_edit, name="chain-edit"),
    path("<int:pk>/coverage.xlsx/", views.chain_coverage_export, name="chain-coverage-export"),
    path("<int:pk>/tree/", views.chain_tree, name="chain-tree"),
    path("<int:pk>/links/new/", views.node_edit, name="node-add"),
    path("<int:pk>/links/<int:node_pk>/edit/", views.node_edit, name="node-edit"),
    path("<int:pk>/links/<int:node_pk>/delete/", views.node_delete, name="node-delete"),
    path("<int:pk>/links/<int:node_pk>/firms/", views.node_firm, name="node-firm"),
    path("<int:pk>/links/<int:node_pk>/projects/", views.node_project, name="node-project"),
    path("<int:pk>/links/<int:node_pk>/targets/new/", views.target_edit, name="target-add"),
    path("<int:pk>/links/<int:node_pk>/targets/<int:target_pk>/edit/", views.target_edit, name="target-edit"),
    path("<int:pk>/links/<int:node_pk>/targets/<int:target_pk>/delete/", views.target_delete, name="target-delete"),
]
