from promotions.services import live_campaigns


def campaign_banner(request):
    """The programme campaign running now (the newest, if several), for the banner above every shop page."""
    if request.path.startswith(("/staf/", "/penjual/", "/dashboard/", "/cms/", "/django-admin/")):
        return {}
    return {"campaign_banner": lambda: live_campaigns().order_by("-starts").first()}
