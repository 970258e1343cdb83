"""Fill msgstr of a .po catalog from a Python dict file (msgid -> msgstr), clearing fuzzy flags.

Usage: python scripts/translate_po.py locale/id/LC_MESSAGES/django.po translations.py
A plural msgid is a (singular, plural) tuple mapping to a tuple of forms.
"""

import runpy
import sys

from babel.messages.pofile import read_po, write_po

path, source = sys.argv[1], sys.argv[2]
table = runpy.run_path(source)["T"]
with open(path, "rb") as fh:
    catalog = read_po(fh)
done = 0
for message in catalog:
    key = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
    if key in table:
        message.string = table[key]
        message.flags.discard("fuzzy")
        done += 1
with open(path, "wb") as fh:
    write_po(fh, catalog, width=100)
print(f"{done} messages translated")
