"""Order statuses and every change to them (Oscar's convention: ``order.processing.EventHandler``).

The statuses are stored in English and shown translated; their transitions are
``OSCAR_ORDER_STATUS_PIPELINE`` in settings. Every change goes through
``order.set_status()``, so it is kept in ``OrderStatusChange`` (shown on the
shopper's, the seller's and staff's order pages) and sends ``order_status_changed``.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_noop
from oscar.apps.order import exceptions
from oscar.apps.order import processing

AWAITING_MART = gettext_noop("Awaiting payment at the Mart")
PAID = gettext_noop("Paid")
CANCELLED = gettext_noop("Cancelled")
REFUNDED = gettext_noop("Refunded")
PARTLY_REFUNDED = gettext_noop("Partly refunded")

# Set by payments.apps (order must not import payments): cancels an unpaid order, giving its stock back.
UNPAID_ORDER_CANCELLER = []


def register_unpaid_order_canceller(function):
    UNPAID_ORDER_CANCELLER[:] = [function]


# Money moves before these statuses are set: only payments code sets them (see handle_order_status_change).
SET_BY_PAYMENTS = {PAID, REFUNDED, PARTLY_REFUNDED}


class EventHandler(processing.EventHandler):
    """Payment events (paid, refunded) and cancellations move the order along the pipeline."""

    def handle_order_status_change(self, order, new_status, note_msg=None):
        """Oscar's dashboard entry point. "Paid" and "Refunded" follow the money (the staff order page,
        the webhook), so the dashboard cannot set them by hand; it can still cancel an unpaid Mart order."""
        if new_status in SET_BY_PAYMENTS and new_status != order.status:
            raise exceptions.InvalidOrderStatus(gettext(
                "“%(status)s” is set when the money moves: use the staff order page (payment at the Mart, refunds).")
                % {"status": gettext(new_status)})
        if new_status == CANCELLED and order.status == AWAITING_MART and UNPAID_ORDER_CANCELLER:
            # payments builds on order, not the other way round: it registers how to give the stock back.
            if UNPAID_ORDER_CANCELLER[0](order):  # its stock goes back on sale, its attempt ends
                order.refresh_from_db()
                if note_msg:
                    self.create_note(order, note_msg)
                return
        super().handle_order_status_change(order, new_status, note_msg)

    def _move(self, order, status):
        order.set_status(status)

    def payment_received(self, order):
        """The money for an order placed before it was paid (Mart pickup) arrived."""
        self._move(order, PAID)

    def cancelled(self, order):
        """An unpaid order given up (a Mart pickup never collected)."""
        self._move(order, CANCELLED)

    def refunded(self, order, refunded_total):
        """A refund went through: all of the order, or part of it."""
        self._move(order, REFUNDED if refunded_total >= order.total_incl_tax else PARTLY_REFUNDED)
