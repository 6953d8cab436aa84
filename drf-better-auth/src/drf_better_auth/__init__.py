"""Better Auth's tokens for Django REST framework, on SimpleJWT's wire contract."""

__version__ = "0.1.0"
