"""The first synonym list: words Jakarta shoppers use for the same things.
Staff edit it afterwards at /search/staf/sinonim/."""

from django.db import migrations

GROUPS = [
    "kerudung, hijab, jilbab, khimar",
    "pashmina, selendang, syal",
    "bergo, kerudung instan, jilbab instan",
    "sepatu, shoes",
    "sneakers, sepatu kets, sepatu sport",
    "sandal, sendal, selop",
    "pantofel, sepatu kantor, sepatu formal",
    "kemeja, hem, baju kantor",
    "kaos, kaus, t-shirt, tshirt",
    "pakaian, baju, busana, sandang",
    "gamis, abaya, jubah",
    "celana, pants",
    "kulot, celana kulot",
    "tas, bag",
    "dompet, wallet",
    "keripik, kripik, kerupuk, chips",
    "kue, cake, kueh",
    "kue kering, cookies, nastar",
    "sambal, sambel",
    "rendang, randang",
    "abon, serundeng",
    "kopi, coffee",
    "teh, tea",
    "madu, honey",
    "camilan, cemilan, snack, makanan ringan",
    "oleh-oleh, buah tangan, souvenir, cenderamata",
    "kerajinan, kriya, handmade, buatan tangan",
    "ondel-ondel, ondel ondel, ondelondel",
    "batik, kain batik",
    "tenun, kain tenun",
    "anyaman, anyam, rajutan",
    "kulit, leather",
    "peci, kopiah, songkok",
    "anak, kids, bocah",
    "wanita, perempuan, cewek, ladies",
    "pria, laki-laki, cowok, men",
    "muslim, muslimah, syar'i",
    "pedas, pedes, spicy",
    "manis, sweet",
    "mukena, telekung",
]


def seed(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create([SynonymGroup(words=w) for w in GROUPS])


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_trigram")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
