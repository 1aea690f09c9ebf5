"""Signed checkpoints of each organization's chain head, and the last verify result of each chain."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_apitoken_facility"), ("trace", "0003_error_declarations")]

    operations = [
        # Records written so far keep their version-1 hash (no brand); new ones are written as version 2.
        migrations.AddField(
            model_name="event", name="hash_version", field=models.PositiveSmallIntegerField(default=1)
        ),
        migrations.AlterField(
            model_name="event", name="hash_version", field=models.PositiveSmallIntegerField(default=2)
        ),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField(help_text="the last record's number when it was taken")),
                ("head_hash", models.CharField(max_length=64)),
                ("taken_at", models.DateTimeField()),
                ("kid", models.CharField(help_text="the signing key: <issuer DID>#<key id>", max_length=200)),
                ("jws", models.TextField(help_text="compact JWS over the canonical JSON of the checkpoint")),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="checkpoints",
                        to="accounts.organization",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "seq"), name="trace_checkpoint_seq_unique"
                    )
                ]
            },
        ),
        migrations.CreateModel(
            name="ChainCheck",
            fields=[
                (
                    "organization",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        serialize=False,
                        to="accounts.organization",
                    ),
                ),
                ("checked_at", models.DateTimeField()),
                (
                    "failed_seq",
                    models.BigIntegerField(blank=True, help_text="the first failing record", null=True),
                ),
                ("detail", models.TextField(blank=True)),
            ],
        ),
    ]
