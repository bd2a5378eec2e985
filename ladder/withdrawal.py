"""Withdrawing a response: by the resident with the receipt code, or by staff on their behalf."""
from .models import Response, utcnow


def withdraw_response(response: Response) -> None:
    """Erase the answers; the row stays (without them) so counts of withdrawals remain honest."""
    response.answers = response.placements = response.advice = None
    response.withdrawn_at = utcnow()
