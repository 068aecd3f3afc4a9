"""The request categories every deployment starts with; an administrator edits them afterwards."""

from django.db import migrations

CATEGORIES = [
    ("land", "用地", 10),
    ("finance", "融资", 20),
    ("labour", "用工", 30),
    ("approvals", "审批", 40),
    ("policy_payments", "政策兑现", 50),
    ("infrastructure", "基础设施", 60),
    ("quotas", "能耗与环境指标", 70),
    ("other", "其他", 90),
]


def add_categories(apps, schema_editor):
    category = apps.get_model("service", "ServiceCategory")
    for code, name, order in CATEGORIES:
        category.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
