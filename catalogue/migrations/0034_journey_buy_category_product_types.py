"""Categories name the product types that fit them (the seller's "Kategori" list offers those).

Existing categories are linked, at their tree's root, to the types of the products already in them.
"""

from django.db import migrations, models

STEPLEN = 4  # treebeard's MP_Node default, Oscar's Category keeps it


def link_existing(apps, schema_editor):
    Category = apps.get_model("catalogue", "Category")
    ProductCategory = apps.get_model("catalogue", "ProductCategory")
    roots = {c.path: c for c in Category.objects.filter(depth=1)}
    links = set()
    for path, class_id, parent_class_id in ProductCategory.objects.values_list(
        "category__path", "product__product_class_id", "product__parent__product_class_id"
    ):
        class_id = class_id or parent_class_id
        root = roots.get(path[:STEPLEN])
        if class_id and root is not None:
            links.add((root.pk, class_id))
    for category_id, class_id in links:
        Category.product_classes.through.objects.get_or_create(category_id=category_id, productclass_id=class_id)


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0033_listing_moderation"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="product_classes",
            field=models.ManyToManyField(
                blank=True,
                help_text="The product types sellers may put here (and in its subcategories). Empty: every type.",
                related_name="fitting_categories",
                to="catalogue.productclass",
                verbose_name="product types",
            ),
        ),
        migrations.RunPython(link_existing, migrations.RunPython.noop),
    ]
