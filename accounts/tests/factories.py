import factory

from accounts.models import EmailProof, Identity, User


class UserFactory(factory.django.DjangoModelFactory):
    """Users with no usable password unless one is given (bcrypt is slow on purpose)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    email_verified = False
    # A verified factory user proved its address the weakest way, unless a test says how.
    email_proof = factory.LazyAttribute(
        lambda user: EmailProof.VERIFICATION_LINK if user.email_verified else EmailProof.NONE
    )
    name = factory.Faker("name")

    @factory.post_generation
    def password(user, create, value, **kwargs):
        if value:
            user.set_password(value)
        else:
            user.set_unusable_password()
        if create:
            user.save(update_fields=["password"])


class BetterAuthUserFactory(UserFactory):
    """Accounts a Better Auth identity made on first sight: its id, no password, and its proof if verified."""

    identity = Identity.BETTER_AUTH
    email_proof = factory.LazyAttribute(lambda user: EmailProof.BETTER_AUTH if user.email_verified else EmailProof.NONE)
