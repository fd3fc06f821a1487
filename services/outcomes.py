"""What each recorded outcome means, for pages: the one table in ``kapture.outcomes``, passed on."""

from kapture.outcomes import (
    ALL,
    MAY_HAVE_CREATED,
    SERVER_ERRORS_AFTER_RECEIPT,
    UNCLEAR,
    Meaning,
    meaning,
)

__all__ = ["ALL", "MAY_HAVE_CREATED", "SERVER_ERRORS_AFTER_RECEIPT", "UNCLEAR", "Meaning", "meaning"]
