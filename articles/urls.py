from django.urls import path

from articles.views import ArticleListView, article_detail

app_name = "articles"

urlpatterns = [
    path("", ArticleListView.as_view(), name="list"),
    path("articles/<slug:slug>/", article_detail, name="detail"),
]
