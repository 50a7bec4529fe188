from django.urls import path

from articles.views import ArticleDetailView, ArticleListView

app_name = "articles"

urlpatterns = [
    path("", ArticleListView.as_view(), name="list"),
    path("articles/<slug:slug>/", ArticleDetailView.as_view(), name="detail"),
]
