"""Give the unions already imported their portal name (the same rule as
``sheba.directory.geo.portal_slugs``, copied here because migrations never import app code)."""

import re
import unicodedata

from django.db import migrations


def _slugify(value):
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


def _labels(website):
    host = (website or "").strip().lower()
    for prefix in ("https://", "http://"):
        host = host.removeprefix(prefix)
    labels = [label for label in host.split("/", 1)[0].split(".") if label]
    return labels[1:] if labels and labels[0] == "www" else labels


def forward(apps, schema_editor):
    Union = apps.get_model("directory", "Union")
    rows = list(Union.objects.filter(duplicate_of__isnull=True).exclude(website="").values_list("pk", "website"))
    kept = [(pk, _labels(site)) for pk, site in rows if _labels(site)]
    counts = {}
    for _pk, labels in kept:
        counts[_slugify(labels[0])] = counts.get(_slugify(labels[0]), 0) + 1
    taken = set()
    changed = []
    for pk, labels in sorted(kept):
        first = _slugify(labels[0])[:100]
        name = f"{first}-{_slugify(labels[1])}"[:110] if counts[first] > 1 and len(labels) > 1 else first
        if not name or name in taken:
            name = f"{name or 'union'}-{pk}"
        taken.add(name)
        changed.append(Union(pk=pk, portal_slug=name))
    Union.objects.bulk_update(changed, ["portal_slug"], batch_size=500)


def backward(apps, schema_editor):
    apps.get_model("directory", "Union").objects.update(portal_slug=None)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_union_portal_slug")]

    operations = [migrations.RunPython(forward, backward)]
