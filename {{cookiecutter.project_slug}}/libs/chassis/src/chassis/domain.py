"""Building blocks of every domain layer, free of Django so that domain code stays plain Python.

Errors: the chassis's exception handler turns each into a problem+json
response. :class:`NotFound` is 404, :class:`RuleViolation` is 400 naming the
field at fault, :class:`Conflict` is 409 (the request is valid but the current
state forbids it, such as cancelling an expired order), :class:`Unauthorized`
is 401 (credentials that do not prove who the caller is), :class:`TooManyAttempts`
is 429 with ``Retry-After`` (the caller must wait before trying again).

Values: :class:`Money`, an amount in a currency, never a float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class DomainError(Exception):
    """A business rule said no."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    code = "not_found"


class RuleViolation(DomainError):
    """Input that is well formed but breaks a rule; `field` names the input at fault."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


class Conflict(DomainError):
    code = "conflict"


class Unauthorized(DomainError):
    code = "invalid_credentials"


class TooManyAttempts(DomainError):
    """Tried too often: nothing more is tried for `retry_after` seconds."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


CURRENCY = re.compile(r"[A-Z]{3}")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Money:
    """An amount of a currency (ISO 4217 code), to the cent."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.currency, str) or not CURRENCY.fullmatch(self.currency):
            raise RuleViolation(
                f"{self.currency!r} is not a currency code such as EUR.",
                field="currency",
                code="invalid_currency",
            )
        try:
            amount = Decimal(self.amount)
        except (InvalidOperation, TypeError, ValueError) as error:
            raise RuleViolation(
                f"{self.amount!r} is not an amount.", field="amount", code="invalid"
            ) from error
        if not amount.is_finite() or amount != amount.quantize(CENT):
            raise RuleViolation(
                "An amount has at most two decimal places.", field="amount", code="invalid"
            )
        object.__setattr__(self, "amount", amount.quantize(CENT))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise RuleViolation(
                f"Cannot add {other.currency} to {self.currency}.", code="currency_mismatch"
            )
        return Money(self.amount + other.amount, self.currency)

    def __mul__(self, quantity: int) -> Money:
        return Money(self.amount * quantity, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
