"""The checkout record: what the order needs later, without the session (a webhook has none).

Stored on ``PaymentAttempt.checkout`` as JSON for durability (the same keys as
before, so attempts started by an older release still parse) and read back
into these dataclasses.
"""

from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal


@dataclass(frozen=True)
class Address:
    name: str = ""
    phone: str = ""
    line1: str = ""
    rt_rw: str = ""
    kelurahan: str = ""
    kecamatan_name: str = ""
    kota: str = ""
    provinsi: str = ""
    postcode: str = ""
    notes: str = ""

    @classmethod
    def from_json(cls, data):
        data = data or {}
        return cls(**{name: str(data.get(name) or "") for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class FrozenLine:
    """One basket line as the shopper agreed to pay for it."""

    line: int
    product: int | None
    stockrecord: int | None
    quantity: int
    excl: Decimal
    incl: Decimal
    title: str = ""

    @classmethod
    def from_json(cls, data):
        return cls(line=data["line"], product=data.get("product"), stockrecord=data.get("stockrecord"), quantity=int(data["quantity"]),
                   excl=Decimal(data["excl"]), incl=Decimal(data["incl"]), title=data.get("title", ""))

    def to_json(self):
        return {"line": self.line, "product": self.product, "stockrecord": self.stockrecord, "quantity": self.quantity,
                "excl": str(self.excl), "incl": str(self.incl), "title": self.title}


@dataclass(frozen=True)
class FrozenPricing:
    """Prices fixed when the payment started: lines, shipping and total (excl., incl. tax)."""

    lines: tuple
    currency: str
    shipping: tuple  # (excl, incl)
    total: tuple  # (excl, incl)

    @classmethod
    def from_json(cls, data):
        return cls(lines=tuple(FrozenLine.from_json(line) for line in data["lines"]), currency=data["currency"],
                   shipping=tuple(Decimal(v) for v in data["shipping"]), total=tuple(Decimal(v) for v in data["total"]))

    def to_json(self):
        return {"lines": [line.to_json() for line in self.lines], "currency": self.currency,
                "shipping": [str(v) for v in self.shipping], "total": [str(v) for v in self.total]}


@dataclass(frozen=True)
class CheckoutRecord:
    email: str
    pickup: bool = False
    mart: int | None = None  # the pickup Mart's pk
    kecamatan: int | None = None  # the delivery kecamatan's pk (None: outside Jakarta, or pickup)
    address: Address = field(default_factory=Address)
    frozen: FrozenPricing | None = None
    shipping_shares: dict = field(default_factory=dict)  # {partner pk: (zone, fee)}
    # Written by payments as the payment settles:
    late: bool = False  # paid after its hold lapsed; the stock was taken again
    charge: str = ""  # the provider's charge id, source of payouts
    language: str = ""  # the shopper's language at checkout: the order's emails are in it

    @classmethod
    def from_json(cls, data):
        data = data or {}
        return cls(
            email=data.get("email", ""), pickup=bool(data.get("pickup")), mart=data.get("mart"), kecamatan=data.get("kecamatan"),
            address=Address.from_json(data.get("address")),
            frozen=FrozenPricing.from_json(data["frozen"]) if data.get("frozen") else None,
            shipping_shares={int(k): (v[0], Decimal(v[1])) for k, v in (data.get("shipping_shares") or {}).items()},
            late=bool(data.get("late")), charge=data.get("charge") or "", language=data.get("language") or "",
        )

    def to_json(self):
        data = {"email": self.email, "pickup": self.pickup, "mart": self.mart, "kecamatan": self.kecamatan,
                "address": asdict(self.address)}
        if self.frozen is not None:
            data["frozen"] = self.frozen.to_json()
        if self.shipping_shares:
            data["shipping_shares"] = {str(k): [z, str(f)] for k, (z, f) in self.shipping_shares.items()}
        if self.late:
            data["late"] = True
        if self.charge:
            data["charge"] = self.charge
        if self.language:
            data["language"] = self.language
        return data

    def with_pricing(self, frozen, shipping_shares):
        return replace(self, frozen=frozen, shipping_shares=dict(shipping_shares))
