from typing import Any

from django.db import migrations

CATEGORIES = [
    ("Hoạt động tập huấn", "hoat-dong-tap-huan"),
    ("Tin dân vận", "tin-dan-van"),
    ("Thông báo", "thong-bao"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    category = apps.get_model("news", "Category")
    for order, (name, slug) in enumerate(CATEGORIES, start=1):
        category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
