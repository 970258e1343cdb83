"""Oscar's offer models, forked for speed: see ``offer.membership``.

- ``Range.contains_product`` answers from what the range instance already knows, then from the cache
  at the site version, and only then asks the database (Oscar's ``product_queryset``), for every
  product the caller names at once (``offer.membership.remember``). A range with a custom proxy class is
  Oscar's as before.
- ``Condition.proxy()`` and ``Benefit.proxy()`` keep the range already read: Oscar's build the proxy
  from the instance's fields only, so every proxy read its range again (one query each time an offer
  is tried on a basket) and got a range instance of its own, with nothing remembered. Their
  ``proxy_map`` (type → proxy class, through ``get_class``) is looked up once per process instead of
  on every ``proxy()``: about half a millisecond each, several times per offer and request.
"""

from oscar.apps.offer.abstract_models import AbstractBenefit, AbstractCondition, AbstractRange
from oscar.core.loading import is_model_registered

from offer import membership

__all__ = []


_PROXY_MAPS = {}


class CheapProxy:
    @property
    def proxy_map(self):
        model = self._meta.concrete_model
        found = _PROXY_MAPS.get(model)
        if found is None:
            found = _PROXY_MAPS[model] = super().proxy_map
        return found

    def proxy(self):
        proxied = super().proxy()
        if proxied is not self:
            field = self.__class__._meta.get_field("range")
            if field.is_cached(self) and not field.is_cached(proxied):
                field.set_cached_value(proxied, field.get_cached_value(self))
        return proxied


if not is_model_registered("offer", "Range"):

    class Range(AbstractRange):
        def contains_product(self, product):
            if self.proxy or self.pk is None or getattr(product, "pk", None) is None:
                return super().contains_product(product)
            known = membership.known(self)
            if product.pk not in known:
                membership.remember([self], [product])
            return known[product.pk]

        def invalidate_cached_queryset(self):
            super().invalidate_cached_queryset()
            membership.forget(self)

    __all__.append("Range")


if not is_model_registered("offer", "Condition"):

    class Condition(CheapProxy, AbstractCondition):
        pass

    __all__.append("Condition")


if not is_model_registered("offer", "Benefit"):

    class Benefit(CheapProxy, AbstractBenefit):
        pass

    __all__.append("Benefit")


from oscar.apps.offer.models import *  # noqa: E402,F401,F403  (the other models, the conditions and benefits)
from oscar.apps.offer.models import __all__ as oscar_all  # noqa: E402

__all__ = [*__all__, *oscar_all]
