"""Couriers become a list (partner/couriers.py): free text typed before is mapped to its code;
a name the list does not know becomes "other" and is kept as the courier's name."""

from django.db import migrations, models

from partner import couriers


def to_codes(apps, schema_editor):
    LineFulfilment = apps.get_model("partner", "LineFulfilment")
    for fulfilment in LineFulfilment.objects.exclude(courier="").only("pk", "courier"):
        code = couriers.code_for(fulfilment.courier)
        other = fulfilment.courier.strip()[:64] if code == couriers.OTHER else ""
        LineFulfilment.objects.filter(pk=fulfilment.pk).update(courier=code, courier_other=other)


def to_text(apps, schema_editor):
    LineFulfilment = apps.get_model("partner", "LineFulfilment")
    for fulfilment in LineFulfilment.objects.exclude(courier="").only("pk", "courier", "courier_other"):
        known = couriers.get(fulfilment.courier)
        text = fulfilment.courier_other if fulfilment.courier == couriers.OTHER and fulfilment.courier_other else (
            str(known.name) if known else fulfilment.courier)
        LineFulfilment.objects.filter(pk=fulfilment.pk).update(courier=text[:64])


class Migration(migrations.Migration):

    dependencies = [
        ("partner", "0011_fulfilment_stock_consumed"),
    ]

    operations = [
        migrations.AddField(
            model_name="linefulfilment",
            name="courier_other",
            field=models.CharField(blank=True, help_text="When the courier is not in the list.", max_length=64,
                                   verbose_name="courier's name"),
        ),
        migrations.RunPython(to_codes, to_text),
        migrations.AlterField(
            model_name="linefulfilment",
            name="courier",
            field=models.CharField(blank=True, choices=couriers.CHOICES, max_length=64, verbose_name="courier"),
        ),
    ]
