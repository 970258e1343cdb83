from django.utils.functional import SimpleLazyObject

from .models import Kecamatan


def kota_menu(request):
    """Kecamatan grouped by kota for the site menu, queried only if a template uses it."""
    return {"kota_menu": SimpleLazyObject(lambda: Kecamatan.objects.by_kota())}
