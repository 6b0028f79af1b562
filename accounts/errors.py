from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A business rule refused the action; the message is written for the user.

    A ValidationError subclass, so forms can show it with ``form.add_error(None, error)``.
    """
