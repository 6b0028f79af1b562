from django.urls import path

from . import history_views as views

app_name = "history"
urlpatterns = [
    path("<slug:slug>/<int:pk>/", views.object_history, name="object"),
    path("<slug:slug>/<int:pk>/restore/<int:history_id>/", views.restore, name="restore"),
]
