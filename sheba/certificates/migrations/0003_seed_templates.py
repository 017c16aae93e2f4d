"""Seed the shipped certificate templates (plain data from sheba.certificates.template_data)."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from sheba.certificates.template_data import shipped

    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    for code, fields in shipped().items():
        if not CertificateTemplate.objects.filter(code=code).exists():
            CertificateTemplate.objects.create(code=code, updated_at=timezone.now(), **fields)


def unseed(apps, schema_editor):
    from sheba.certificates.template_data import shipped

    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    CertificateTemplate.objects.filter(code__in=list(shipped()), certificates__isnull=True, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0002_templates_and_documents")]

    operations = [migrations.RunPython(seed, unseed)]
