import factory

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    """Users with no usable password unless one is given (bcrypt is slow on purpose)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")

    @factory.post_generation
    def password(user, create, value, **kwargs):
        if value:
            user.set_password(value)
        else:
            user.set_unusable_password()
        if create:
            user.save(update_fields=["password"])
