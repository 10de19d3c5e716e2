"""Exact decimal columns: the one place that decides how money, quantities and rates are stored.

SQLite's NUMERIC goes through float, so every exact value is stored as an integer count of its
smallest unit in a BIGINT (kopecks/cents for amounts, thousandths for quantities, ten-thousandths
for unit values, millionths for rates). The same storage is used on PostgreSQL, so sums in SQL are
exact integer sums on both. Values with more places than the column's scale are refused, never
rounded silently: rounding is ``tracker.money``'s job, before a value reaches a column.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from tracker.money import MONEY_PLACES, QTY_PLACES, RATE_PLACES, UNIT_VALUE_PLACES, MoneyError, D, places_of


class ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as ``value × 10**scale`` in a BIGINT."""

    impl = sa.BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale
        self._factor = Decimal(10) ** scale

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> int | None:
        if value is None:
            return None
        number = D(value) if not isinstance(value, Decimal) else value
        if not number.is_finite():
            raise MoneyError("not a finite number")
        if places_of(number) > self.scale:
            raise MoneyError(f"{number} has more than {self.scale} decimal places")
        return int(number * self._factor)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(Decimal(1).scaleb(-self.scale))

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self

    @property
    def python_type(self) -> type:
        return Decimal

    def __repr__(self) -> str:
        return f"ScaledDecimal({self.scale})"


def scaled_to_decimal(value: int | None, scale: int) -> Decimal:
    """Turn a raw SQL ``SUM`` of a scaled column back into a Decimal (None → 0)."""
    return (Decimal(int(value or 0)) / (Decimal(10) ** scale)).quantize(Decimal(1).scaleb(-scale))


MoneyType = ScaledDecimal(MONEY_PLACES)
UnitValueType = ScaledDecimal(UNIT_VALUE_PLACES)
QtyType = ScaledDecimal(QTY_PLACES)
RateType = ScaledDecimal(RATE_PLACES)


class _MoneyTag:  # markers so that Annotated aliases stay distinct in type_annotation_map
    pass


class _UnitValueTag:
    pass


class _QtyTag:
    pass


class _RateTag:
    pass


Money = Annotated[Decimal, _MoneyTag]
UnitValue = Annotated[Decimal, _UnitValueTag]
Qty = Annotated[Decimal, _QtyTag]
Rate = Annotated[Decimal, _RateTag]

TYPE_ANNOTATION_MAP: dict[Any, Any] = {
    Money: MoneyType,
    UnitValue: UnitValueType,
    Qty: QtyType,
    Rate: RateType,
}
