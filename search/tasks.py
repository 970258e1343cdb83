"""Celery tasks of search: sending the durable IndexQueue to Elasticsearch."""

from celery import shared_task


@shared_task(name="search.flush_index", ignore_result=True)
def flush_index():
    from search.indexing import flush_soon

    flush_soon()
