"""Signals accounts sends, for apps that name a user by id without a foreign key."""

from django.dispatch import Signal

# Sent inside the relink's transaction, with `old_id` and `new_id`: an app whose rows name the user
# by id moves them to the new id (accounts.services.relink.user_relink).
user_relinked = Signal()
