"""The couriers a member business ships with, and where a shopper follows a parcel.

Each courier has a code (stored on ``LineFulfilment.courier``), a name, and at
most two public addresses:

- ``track_url``: a page showing one parcel, with ``{number}`` for the tracking
  number. Only where the courier's public page takes the number in its address
  (SiCepat ``/checkAwb/<resi>``, AnterAja ``/tracking/<resi>``).
- ``track_page``: the courier's public tracking page where the shopper pastes the
  number (JNE, J&T, Pos Indonesia read it from a form, not from the address).

GoSend and GrabExpress share a live link per trip from their apps; there is no
public page by number, and "other" is unknown: those get no link. A wrong link
is worse than none, so a pattern not confirmed stays out.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Courier:
    code: str
    name: str
    track_url: str = ""
    track_page: str = ""

    def tracking_url(self, number):
        """The page showing this parcel, or "" when the courier has none by number."""
        number = (number or "").strip()
        if self.track_url and number:
            return self.track_url.format(number=quote(number, safe=""))
        return ""


OTHER = "other"

COURIERS = {
    courier.code: courier
    for courier in (
        Courier("jne", "JNE", track_page="https://www.jne.co.id/tracking-package"),
        Courier("jnt", "J&T Express", track_page="https://jet.co.id/track"),
        Courier("sicepat", "SiCepat", track_url="https://www.sicepat.com/checkAwb/{number}"),
        Courier("anteraja", "AnterAja", track_url="https://anteraja.id/tracking/{number}"),
        Courier("pos", "Pos Indonesia", track_page="https://www.posindonesia.co.id/id/tracking"),
        Courier("gosend", "GoSend"),
        Courier("grabexpress", "GrabExpress"),
        Courier(OTHER, _("Other courier")),
    )
}

CHOICES = [(courier.code, courier.name) for courier in COURIERS.values()]

# Free text sellers typed before the list, lower-cased without spaces or punctuation → code.
ALIASES = {
    "jne": "jne", "jneexpress": "jne", "jnereg": "jne", "jneyes": "jne", "jneoke": "jne",
    "jnt": "jnt", "jt": "jnt", "jntexpress": "jnt", "jtexpress": "jnt", "jet": "jnt",
    "sicepat": "sicepat", "sicepatexpress": "sicepat", "sicepatreg": "sicepat",
    "anteraja": "anteraja", "antaraja": "anteraja",
    "pos": "pos", "posindonesia": "pos", "kantorpos": "pos", "posind": "pos",
    "gosend": "gosend", "gojek": "gosend", "gosendinstant": "gosend", "gosendsameday": "gosend",
    "grab": "grabexpress", "grabexpress": "grabexpress", "grabsend": "grabexpress",
}


def code_for(text):
    """The courier code a free-text courier name means ("J&T" → "jnt"); "other" when unknown, "" when empty."""
    key = "".join(ch for ch in (text or "").lower().replace("&", "n") if ch.isalnum())
    if not key:
        return ""
    if key in COURIERS:
        return key
    return ALIASES.get(key, OTHER)


def get(code):
    return COURIERS.get(code or "")
