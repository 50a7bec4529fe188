"""factory-boy factories for every model the tests build."""

from datetime import UTC, datetime, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article
from donations.models import Campaign, Donation, DonationBox, Frequency, Payment, donor_for


def donation_form_data(**changes: str) -> dict[str, str]:
    """What the donation box posts for a valid one-time $20 donation, with `changes`."""
    data = {
        "amount": "2000",
        "other_amount": "",
        "frequency": "one_time",
        "payment_count": "",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "note": "",
    }
    return {**data, **changes}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Faker("sentence", nb_words=6)
    slug = factory.Sequence(lambda n: f"article-{n}")
    author = factory.Faker("name")
    summary = factory.Faker("paragraph")
    body = factory.Faker("paragraph", nb_sentences=8)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        future = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
        )


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ["slug"]

    name = "Defend 287(g)"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Help us keep the 287(g) program alive."


class DonationBoxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DonationBox

    article = factory.SubFactory(ArticleFactory)
    campaign = factory.SubFactory(CampaignFactory)


class CampaignArticleFactory(ArticleFactory):
    """A published article with a donation box (`article.donation_box.campaign`)."""

    class Meta:
        skip_postgeneration_save = True

    title = "The ongoing assault on 287(g)"
    slug = factory.Sequence(lambda n: f"the-ongoing-assault-{n}")
    donation_box = factory.RelatedFactory(DonationBoxFactory, factory_related_name="article")


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    campaign = factory.SubFactory(CampaignFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Faker("email")
    amount_cents = 2000
    frequency = Frequency.ONE_TIME
    payment_count = 1
    stripe_checkout_session_id = factory.Sequence(lambda n: f"cs_test_{n}")

    class Params:
        monthly = factory.Trait(frequency=Frequency.MONTHLY, payment_count=3)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    donation = factory.SubFactory(DonationFactory)
    amount_cents = factory.SelfAttribute("donation.amount_cents")
    status = Payment.Status.PAID
    stripe_invoice_id = factory.Sequence(lambda n: f"in_test_factory_{n}")
    paid_at = factory.LazyFunction(timezone.now)


def at(year, month, day):
    return datetime(year, month, day, 12, tzinfo=UTC)


def gift(email, amount, paid, **fields):
    """A donation by `email` with one payment paid at `paid` (None: no payment)."""
    payment_fields = {k[8:]: fields.pop(k) for k in list(fields) if k.startswith("payment_")}
    donation = DonationFactory(email=email, amount_cents=amount, donor=donor_for(email), **fields)
    if paid is not None:
        PaymentFactory(donation=donation, paid_at=paid, currency=donation.currency,
                       **payment_fields)  # fmt: skip
    return donation
