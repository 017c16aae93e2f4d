import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="auditevent", name="seq", field=models.BigIntegerField(null=True)),
        migrations.AddField(model_name="auditevent", name="version", field=models.PositiveSmallIntegerField(default=1)),
        migrations.AddField(model_name="auditevent", name="prev_hash", field=models.CharField(max_length=64, null=True)),
        migrations.AddField(model_name="auditevent", name="hash", field=models.CharField(max_length=64, null=True)),
        migrations.AlterModelOptions(
            name="auditevent", options={"verbose_name": "audit event", "verbose_name_plural": "audit events"}
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="AuditKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key_id", models.CharField(max_length=16, unique=True)),
                ("public_key", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
                ("retired_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "audit signing key", "verbose_name_plural": "audit signing keys"},
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("at", models.DateTimeField()),
                ("signature", models.CharField(max_length=100)),
                ("key", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="checkpoints", to="audit.auditkey")),
            ],
            options={"ordering": ["seq", "pk"], "verbose_name": "audit checkpoint", "verbose_name_plural": "audit checkpoints"},
        ),
    ]
