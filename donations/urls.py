from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("articles/<slug:slug>/donate/", views.donate, name="donate"),
    path("donate/thanks/", views.thanks, name="thanks"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path("donations/<str:token>/", views.donor_page, name="donor-page"),
]
