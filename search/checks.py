"""What an Elasticsearch cluster must have for this shop, said in words an operator can act on."""

from django.conf import settings
from oscar.core.loading import get_model

from search.models import IndexQueue

Product = get_model("catalogue", "Product")


def check_cluster():
    """(problems, facts): each problem names the fix."""
    from elasticsearch import ApiError, TransportError

    from search.backends.elasticsearch import ProductIndex, client, id_text

    problems, facts = [], []
    es = client()
    try:
        health = es.cluster.health()
    except (TransportError, ApiError, ConnectionError) as exc:
        return [
            f"no answer from {settings.ELASTICSEARCH_URL} ({exc.__class__.__name__}). Start the cluster or set "
            "ELASTICSEARCH_URL to its address (comma-separated for several nodes); scripts/services.sh up starts one locally."
        ], facts
    facts.append(f"cluster {health['cluster_name']} is {health['status']} with {health['number_of_nodes']} node(s)")
    if health["status"] == "red":
        problems.append("the cluster is red: some primary shards are unassigned (see GET _cluster/allocation/explain).")
    try:
        nodes = es.nodes.info(metric="jvm")
        versions = {n["version"] for n in nodes["nodes"].values()}
        facts.append("Elasticsearch " + ", ".join(sorted(versions)))
        if any(not v.startswith("8.") for v in versions):
            problems.append(f"nodes run {', '.join(sorted(versions))}; this shop needs Elasticsearch 8.x.")
    except (TransportError, ApiError):
        pass
    definition = id_text.get_analysis_definition()
    try:
        tokens = es.indices.analyze(
            body={"tokenizer": "standard", "filter": ["lowercase", definition["filter"]["id_hunspell"]], "text": "berjualan menjahit"}
        )["tokens"]
        stems = [t["token"] for t in tokens]
        if "jual" in stems and "jahit" in stems:
            facts.append("Indonesian hunspell dictionary id_ID works (berjualan → jual, menjahit → jahit)")
        else:
            problems.append(f"the id_ID hunspell dictionary gives {stems}; expected jual and jahit. Reinstall id_ID.aff/.dic.")
    except ApiError as exc:
        problems.append(
            "the hunspell dictionary id_ID is missing on a node: copy id_ID.aff and id_ID.dic (Debian package "
            "hunspell-id, /usr/share/hunspell/) into config/hunspell/id_ID/ on every node and restart it "
            f"({exc.meta.status if exc.meta else ''}: {str(exc)[:120]})."
        )
    index = ProductIndex(es)
    try:
        if index.exists():
            count = index.count()
            expected = Product.objects.browsable().count()
            facts.append(f"alias {index.alias} serves {count} products (the database has {expected} browsable)")
            if count == 0 and expected:
                problems.append(f"alias {index.alias} is empty: run `manage.py search_index --rebuild`.")
        else:
            problems.append(f"no index behind alias {index.alias}: run `manage.py search_index --rebuild`.")
    except Exception as exc:  # noqa: BLE001 - reported to the operator
        problems.append(f"could not read alias {index.alias}: {exc}")
    waiting = IndexQueue.objects.count()
    if waiting:
        problems.append(f"{waiting} product changes are queued: run `manage.py search_index --update`.")
    return problems, facts
