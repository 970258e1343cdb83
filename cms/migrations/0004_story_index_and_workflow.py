"""Create the story index under the home page, the "Marketing lead" group and the
story moderation workflow: editors draft and submit, a Marketing lead approves
and publishes."""

from django.db import migrations

LEAD_GROUP = "Marketing lead"
WORKFLOW = "Moderasi cerita pendiri"


def setup(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    StoryIndexPage = apps.get_model("cms.StoryIndexPage")

    home = Page.objects.get(depth=2, slug="home")
    index_type, _ = ContentType.objects.get_or_create(app_label="cms", model="storyindexpage")
    last_child = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).order_by("-path").first()
    step = int(last_child.path[-4:], 36) + 1 if last_child else 1
    index = StoryIndexPage.objects.create(
        title="Cerita Pendiri",
        draft_title="Cerita Pendiri",
        slug="cerita",
        content_type=index_type,
        path=home.path + format_base36(step),
        depth=home.depth + 1,
        numchild=0,
        url_path=home.url_path + "cerita/",
        locale_id=home.locale_id,
        intro="Kisah para pendiri usaha anggota OK OCE: dari dapur dan bengkel rumah sampai punya pelanggan tetap.",
    )
    home.numchild += 1
    home.save(update_fields=["numchild"])

    lead, _ = Group.objects.get_or_create(name=LEAD_GROUP)
    lead.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=lead, page=index, permission=Permission.objects.get(codename=codename, content_type__app_label="wagtailcore")
        )
    # Like Wagtail's Editors group, the lead can upload and choose images.
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    root_collection = Collection.objects.get(depth=1)
    for codename in ("add_image", "choose_image"):
        GroupCollectionPermission.objects.get_or_create(
            group=lead,
            collection=root_collection,
            permission=Permission.objects.get(codename=codename, content_type__app_label="wagtailimages"),
        )

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(name="Persetujuan Marketing lead", content_type=task_type, active=True)
    task.groups.add(lead)
    workflow = Workflow.objects.create(name=WORKFLOW, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page=index, workflow=workflow)


def format_base36(number):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out.rjust(4, "0")


def teardown(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("cms.StoryIndexPage").objects.filter(slug="cerita").delete()
    apps.get_model("auth.Group").objects.filter(name=LEAD_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_founder_stories"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
    ]
    operations = [migrations.RunPython(setup, teardown)]
