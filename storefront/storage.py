"""Where uploaded and generated media live: local files by default, an S3-compatible bucket when configured.

Everything that stores a file goes through Django's default storage: sellers' product photos
(Oscar's ``ProductImage``), business logos, buyers' review photos, Wagtail's images and renditions
and our thumbnails (``storefront.thumbnails``). With ``MEDIA_S3_BUCKET`` set the default storage is
django-storages' S3 backend (AWS S3, or any S3-compatible store at ``MEDIA_S3_ENDPOINT_URL``), so
every web worker, Celery worker and machine sees the same files.
"""

from urllib.parse import urlsplit


def s3_options(environ):
    """django-storages ``S3Storage`` options from the environment (``MEDIA_S3_*``), or None without a bucket."""
    bucket = environ.get("MEDIA_S3_BUCKET", "").strip()
    if not bucket:
        return None
    endpoint = environ.get("MEDIA_S3_ENDPOINT_URL", "").strip() or None
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": environ.get("MEDIA_S3_REGION", "").strip() or None,
        # Empty keys: boto3 finds its own (AWS_ACCESS_KEY_ID…, an instance role).
        "access_key": environ.get("MEDIA_S3_ACCESS_KEY_ID", "") or None,
        "secret_key": environ.get("MEDIA_S3_SECRET_ACCESS_KEY", "") or None,
        # Everything stored is shown in public pages (photos, logos, story images): plain URLs,
        # no signatures that expire inside a cached page. The bucket policy (or the CDN) allows reading.
        "querystring_auth": False,
        "default_acl": None,
        # Django's semantics: a second upload of "foto.jpg" gets a new name, it never replaces the first.
        "file_overwrite": False,
        # Stored names never change content (new uploads get new names, renditions and thumbnails are
        # named by their source and options), so browsers and CDNs may keep them.
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        # S3-compatible servers (MinIO, Ceph, Garage…) want bucket-in-path addresses; AWS takes either.
        "addressing_style": "path" if endpoint else None,
    }
    public = environ.get("MEDIA_S3_PUBLIC_URL", "").strip().rstrip("/")
    if public:
        # A CDN or a custom domain in front of the bucket serves the files.
        parts = urlsplit(public)
        options["custom_domain"] = parts.netloc + parts.path
        options["url_protocol"] = f"{parts.scheme or 'https'}:"
    return options


def media_origin(options):
    """The origin (scheme://host) browsers load media from, for the Content-Security-Policy's img-src."""
    if options.get("custom_domain"):
        return f"{options['url_protocol']}//{options['custom_domain'].split('/')[0]}"
    if options.get("endpoint_url"):
        parts = urlsplit(options["endpoint_url"])
        return f"{parts.scheme}://{parts.netloc}"
    region = options.get("region_name")
    host = f"{options['bucket_name']}.s3.{region}.amazonaws.com" if region else f"{options['bucket_name']}.s3.amazonaws.com"
    return f"https://{host}"


def media_url(options):
    """MEDIA_URL for the bucket (what ``{{ MEDIA_URL }}`` and ``static()`` see; files' own ``.url`` come from the storage)."""
    if options.get("custom_domain"):
        return f"{options['url_protocol']}//{options['custom_domain']}/"
    if options.get("endpoint_url"):
        return f"{options['endpoint_url'].rstrip('/')}/{options['bucket_name']}/"
    return f"{media_origin(options)}/"
