"""bench/add_bound.py's servers: the shop (with ``/__floor__``) and the same shop with parts of adding
to the basket cut away, to measure how far the add's cost can fall in this stack.

    gunicorn 'bench.add_bound_wsgi:app("offers,orm")' -c storefront/gunicorn.conf.py

This is a measuring tool, not a shop. What it cuts, a shopper would miss:

- ``offers``: the offers are not applied again after the add and there is no "your basket now
  totals …" message (``BasketMessageGenerator.apply_messages`` does nothing). The "… is in your
  basket" message stays.
- ``orm``: a new shopper's first add writes the basket and its line with two plain INSERTs on
  Django's connection, in one transaction: no model ``save()``, no signals (so no basket version:
  a basket page in the page cache would not know it changed), no lines kept on the basket object.
  The price and stock record still come from the pricing strategy, as in the shop; any other add
  (a basket already saved, a product with options, no price) is the shop's own.

Everything else is the shop's: gunicorn, the middleware, CSRF, the URL, the product from the
cache, the add form and its stock check, the analytics counter, the cookies, the redirect.
``install`` applies the cuts in this process and returns a function undoing them (the tests use it).
"""

from bench.floor_wsgi import application

CUTS = ("offers", "orm")


def _plain_insert_add_product(original):
    from django.db import connection, transaction
    from django.utils import timezone
    from oscar.core.loading import get_model

    Basket = get_model("basket", "Basket")
    Line = get_model("basket", "Line")

    def column(model, name):
        return connection.ops.quote_name(model._meta.get_field(name).column)

    basket_sql = (
        f"INSERT INTO {connection.ops.quote_name(Basket._meta.db_table)} ({column(Basket, 'status')}, "
        f"{column(Basket, 'date_created')}) VALUES (%s, %s) RETURNING {column(Basket, 'id')}"
    )
    line_fields = ("basket", "line_reference", "product", "stockrecord", "quantity", "price_currency",
                   "price_excl_tax", "price_incl_tax", "tax_code", "date_created", "date_updated")
    line_sql = (
        f"INSERT INTO {connection.ops.quote_name(Line._meta.db_table)} "
        f"({', '.join(column(Line, name) for name in line_fields)}) VALUES ({', '.join(['%s'] * len(line_fields))})"
    )

    def add_product(basket, product, quantity=1, options=None):
        if basket.id or options:
            return original(basket, product, quantity, options)
        info = basket.get_stock_info(product, [])
        if not info.price.exists or info.stockrecord is None:
            return original(basket, product, quantity, options)  # the shop's refusal
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        price = connection.ops.adapt_decimalfield_value
        incl = info.price.incl_tax if info.price.is_tax_known else None
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(basket_sql, [Basket.OPEN, now])
            basket.id = basket.pk = cursor.fetchone()[0]
            cursor.execute(line_sql, [
                basket.id, f"{product.pk}_{info.stockrecord.pk}", product.pk, info.stockrecord.pk, max(0, quantity),
                info.price.currency, price(info.price.excl_tax), price(incl) if incl is not None else None,
                info.price.tax_code, now, now,
            ])
        return None, True

    return add_product


def install(cuts):
    """Apply ``cuts`` (a subset of CUTS) in this process; returns a function that undoes them."""
    from basket import models, utils

    unknown = set(cuts) - set(CUTS)
    if unknown:
        raise ValueError(f"unknown cuts {sorted(unknown)}: choose from {CUTS}")
    undo = []
    if "offers" in cuts:
        generator = utils.BasketMessageGenerator
        apply_messages = generator.__dict__["apply_messages"]
        generator.apply_messages = lambda self, request, offers_before: None
        undo.append(lambda: setattr(generator, "apply_messages", apply_messages))
    if "orm" in cuts:
        add_product = models.Basket.__dict__["add_product"]
        models.Basket.add_product = _plain_insert_add_product(add_product)
        undo.append(lambda: setattr(models.Basket, "add_product", add_product))

    def restore():
        for step in reversed(undo):
            step()

    return restore


def app(cuts=""):
    """gunicorn's application factory: the shop with ``cuts`` ("offers,orm"; "" for none) applied."""
    install([cut for cut in cuts.split(",") if cut])
    return application
