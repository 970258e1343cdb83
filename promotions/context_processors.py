from promotions.services import current_campaign


def campaign_banner(request):
    """The programme campaign running now (the newest, if several), for the banner above every shop page."""
    if request.path.startswith(("/staf/", "/penjual/", "/dashboard/", "/cms/", "/django-admin/")):
        return {}
    return {"campaign_banner": current_campaign}
