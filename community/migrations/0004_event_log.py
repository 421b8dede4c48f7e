"""The log of the live streams belongs to `community` (community/event_log.py, read and written by
community/after_commit.py): its two models' state moves here from `messaging`. Their tables keep
their names, so the database does not change and no row moves; the content types (and the
permissions that name them) follow the models."""

import django.utils.timezone
from django.db import migrations, models

MODELS = ["eventlog", "streamcounter"]


def content_types_move(from_app, to_app):
    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        already = content_types.filter(app_label=to_app).values_list("model", flat=True)
        content_types.filter(app_label=from_app, model__in=MODELS).exclude(
            model__in=list(already)
        ).update(app_label=to_app)

    return move


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0003_names_on_one_line'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('messaging', '0002_search_documents'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StreamCounter',
                    fields=[
                        ('stream', models.CharField(max_length=40, primary_key=True, serialize=False)),
                        ('last_seq', models.PositiveBigIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'messaging_streamcounter',
                    },
                ),
                migrations.CreateModel(
                    name='EventLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stream', models.CharField(max_length=40)),
                        ('seq', models.PositiveBigIntegerField()),
                        ('type', models.CharField(max_length=40)),
                        ('data', models.JSONField(default=dict)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                    ],
                    options={
                        'db_table': 'messaging_eventlog',
                        'constraints': [models.UniqueConstraint(fields=('stream', 'seq'), name='messaging_one_event_per_seq')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_move("messaging", "community"),
            content_types_move("community", "messaging"),
        ),
    ]
