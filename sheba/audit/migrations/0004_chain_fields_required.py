from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_backfill_chain"),
    ]

    operations = [
        migrations.AlterField(model_name="auditevent", name="seq", field=models.BigIntegerField(unique=True)),
        migrations.AlterField(model_name="auditevent", name="prev_hash", field=models.CharField(max_length=64, unique=True)),
        migrations.AlterField(model_name="auditevent", name="hash", field=models.CharField(max_length=64, unique=True)),
    ]
