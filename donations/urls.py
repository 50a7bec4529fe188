from django.urls import path

from donations import campaign_views, donor_views, giving_views, monthly_views, views

app_name = "donations"

urlpatterns = [
    path("articles/<slug:slug>/donate/", views.donate, name="donate"),
    path("donate/", campaign_views.main_campaign, name="main-campaign"),
    path("donate/thanks/", views.thanks, name="thanks"),
    path("donate/thanks/monthly/", monthly_views.make_monthly, name="make-monthly"),
    path("donate/<slug:slug>/", campaign_views.campaign_page, name="campaign"),
    path("donate/<slug:slug>/embed/", campaign_views.campaign_embed, name="campaign-embed"),
    path("donations/manage/", giving_views.manage, name="manage"),
    path("donations/all/<str:token>/", giving_views.all_giving, name="all-giving"),
    path(
        "donations/all/<str:token>/statement/<int:year>/", giving_views.statement, name="statement"
    ),
    path(
        "donations/all/<str:token>/statement/<int:year>.pdf",
        giving_views.statement,
        {"pdf": True},
        name="statement-pdf",
    ),
    path("donations/<str:token>/", donor_views.donor_page, name="donor-page"),
    path("donations/<str:token>/card/", donor_views.donor_card, name="donor-card"),
]
