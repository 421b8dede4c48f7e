"""The log of the live streams now belongs to `community` (community/migrations/0004_event_log):
its models leave this app's state; their tables stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0004_event_log'),
        ('messaging', '0002_search_documents'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='EventLog'),
                migrations.DeleteModel(name='StreamCounter'),
            ],
            database_operations=[],
        ),
    ]
