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
    # Offer discounts on this line as applied when the payment started: ((offer id, amount, units, amount includes tax), ...).
    discounts: tuple = ()

    @classmethod
    def from_json(cls, data):
        return cls(line=data["line"], product=data.get("product"), stockrecord=data.get("stockrecord"), quantity=int(data["quantity"]),
                   excl=Decimal(data["excl"]), incl=Decimal(data["incl"]), title=data.get("title", ""),
                   discounts=tuple((d[0], Decimal(d[1]), int(d[2]), bool(d[3])) for d in data.get("discounts") or ()))

    def to_json(self):
        data = {"line": self.line, "product": self.product, "stockrecord": self.stockrecord, "quantity": self.quantity,
                "excl": str(self.excl), "incl": str(self.incl), "title": self.title}
        if self.discounts:
            data["discounts"] = [[offer, str(amount), quantity, incl] for offer, amount, quantity, incl in self.discounts]
        return data


@dataclass(frozen=True)
class FrozenPricing:
    """Prices fixed when the payment started: lines, shipping and total (excl., incl. tax)."""

    lines: tuple
    currency: str
    shipping: tuple  # (excl, incl)
    total: tuple  # (excl, incl)
    # The offers applied, as the shopper agreed to them: ((offer id, voucher id or None, discount), ...).
    # The order records these even if an offer ended or changed while the shopper paid.
    offers: tuple = ()

    @classmethod
    def from_json(cls, data):
        return cls(lines=tuple(FrozenLine.from_json(line) for line in data["lines"]), currency=data["currency"],
                   shipping=tuple(Decimal(v) for v in data["shipping"]), total=tuple(Decimal(v) for v in data["total"]),
                   offers=tuple((o[0], o[1], Decimal(o[2])) for o in data.get("offers") or ()))

    def to_json(self):
        data = {"lines": [line.to_json() for line in self.lines], "currency": self.currency,
                "shipping": [str(v) for v in self.shipping], "total": [str(v) for v in self.total]}
        if self.offers:
            data["offers"] = [[offer, voucher, str(amount)] for offer, voucher, amount in self.offers]
        return data


@dataclass(frozen=True)
class CheckoutRecord:
    email: str
    pickup: bool = False
    mart: int | None = None  # the pickup Mart's pk
    kecamatan: int | None = None  # the delivery kecamatan's pk (None: outside Jakarta, or pickup)
    address: Address = field(default_factory=Address)
    frozen: FrozenPricing | None = None
    shipping_shares: dict = field(default_factory=dict)  # {partner pk: (zone, fee)}
    shelf: int | None = None  # the pickup Mart's pk when its shelf (consignment) covers the whole basket: ready today
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
            late=bool(data.get("late")), charge=data.get("charge") or "", shelf=data.get("shelf") or None,
            language=data.get("language") or "",
        )

    def to_json(self):
        data = {"email": self.email, "pickup": self.pickup, "mart": self.mart, "kecamatan": self.kecamatan,
                "address": asdict(self.address)}
        if self.frozen is not None:
            data["frozen"] = self.frozen.to_json()
        if self.shipping_shares:
            data["shipping_shares"] = {str(k): [z, str(f)] for k, (z, f) in self.shipping_shares.items()}
        if self.shelf:
            data["shelf"] = self.shelf  # read by payments.stock.shelf_of
        if self.late:
            data["late"] = True
        if self.charge:
            data["charge"] = self.charge
        if self.language:
            data["language"] = self.language
        return data

    def with_pricing(self, frozen, shipping_shares):
        return replace(self, frozen=frozen, shipping_shares=dict(shipping_shares))
