from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bench_fleet", "0001_initial")]

    # Expand: a nullable column, which code that does not know it keeps working with.
    operations = [
        migrations.AddField(model_name="note", name="flag", field=models.TextField(null=True)),
    ]
