"""Provider names live in payments/gateways/ and settings only; payments does not import checkout.

Scans the application's Python (not tests, migrations, the virtualenv): a name such as
``StripeGateway`` or ``stripe``, or a gateway code as a string ("stripe", "uji", "mart",
"midtrans"), outside payments/gateways/** and storefront/settings*.py is a provider-specific
branch, which capability flags on the gateway should replace. Comments and prose in docstrings
are not code and are not checked.
"""

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_NAME = re.compile(r"stripe|midtrans", re.IGNORECASE)
GATEWAY_CODES = {"stripe", "uji", "mart", "midtrans"}
# Not provider branches: the partner's Stripe Connect account id is a model field of partner/ (its
# owner; payments/gateways/stripe reads it). "mart" is also the pickup Mart (not the gateway): the
# checkout form's field, the checkout record's key, a message's placeholder, the staff list's filter.
ALLOWED = {
    ("partner/models.py", "stripe_account_id"),
    ("checkout/forms.py", '"mart"'),  # the pickup-Mart form field
    ("checkout/views.py", '"mart"'),  # that field, not kept in the session
    ("checkout/record.py", '"mart"'),  # the pickup Mart's pk in the record's JSON
    ("checkout/placement.py", '"mart"'),  # "Pick up at %(mart)s"
    ("storefront/demo/loader.py", '"mart"'),  # the record's key for demo orders
    ("partner/seller/finance.py", '"mart"'),  # ?mart=1: orders awaiting payment at the Mart
    # Consignment: "mart" is the Mart whose shelf it is (its models' field, lookups and template context).
    *((f"consignment/{name}.py", '"mart"') for name in ("access", "admin", "models", "reports", "shelves", "views")),
}


def app_files():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "payments/gateways/", "bench/", "scripts/")) or "/migrations/" in rel:
            continue
        if rel.startswith("storefront/settings"):
            continue
        yield rel, path


def provider_tokens(source):
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME and PROVIDER_NAME.search(token.string):
            yield token.start[0], token.string
        elif token.type == tokenize.STRING and token.string.strip("\"'") in GATEWAY_CODES and token.string[0] in "\"'":
            yield token.start[0], '"' + token.string.strip("\"'") + '"'


def test_no_provider_specific_branch_outside_the_gateways():
    found = []
    for rel, path in app_files():
        for line, text in provider_tokens(path.read_text(encoding="utf-8")):
            if (rel, text) not in ALLOWED:
                found.append(f"{rel}:{line}: {text}")
    assert found == [], "provider-specific code outside payments/gateways/:\n" + "\n".join(found)


def test_the_scan_would_see_a_branch():
    assert list(provider_tokens('if attempt.gateway == "stripe":\n    StripeGateway.refund()\n')) == [(1, '"stripe"'), (2, "StripeGateway")]


def test_payments_does_not_import_checkout():
    for path in sorted((ROOT / "payments").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) checkout\b", source, re.MULTILINE), path


def test_midtrans_is_known_only_to_its_module_and_settings():
    for rel, path in app_files():
        assert "midtrans" not in path.read_text(encoding="utf-8").lower(), rel
