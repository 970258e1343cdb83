import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    """Oscar's basket app, forked: a basket's lines, its offers and a new shopper's first add read less."""

    name = "basket"
