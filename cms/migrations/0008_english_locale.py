"""Add English as a content language; editors and the Marketing lead may translate pages."""

from django.db import migrations


def add_english(apps, schema_editor):
    apps.get_model("wagtailcore.Locale").objects.get_or_create(language_code="en")
    # Editors and the Marketing lead may start translations.
    # Permissions are normally created after migrate; create this one now.
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="simple_translation", model="simpletranslation")
    translate, _ = Permission.objects.get_or_create(
        codename="submit_translation", content_type=content_type, defaults={"name": "Can submit translations"}
    )
    for group in apps.get_model("auth.Group").objects.filter(name__in=["Editors", "Marketing lead"]):
        group.permissions.add(translate)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0007_story_rich_text_cleaned"),
        ("wagtailcore", "0098_apitoken"),
        ("simple_translation", "0001_initial"),
    ]
    operations = [migrations.RunPython(add_english, migrations.RunPython.noop)]
