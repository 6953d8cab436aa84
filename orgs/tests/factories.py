import factory

from orgs.models import Membership, Organization


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    id = factory.Sequence(lambda n: f"org{n:029d}")
    name = factory.Sequence(lambda n: f"Organization {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user_id = factory.Sequence(lambda n: f"member{n:026d}")
    role = "member"
