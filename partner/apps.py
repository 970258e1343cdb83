import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    name = 'partner'

    def ready(self):
        super().ready()
        from partner import alerts  # noqa: F401  (low-stock alerts)
