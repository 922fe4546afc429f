from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def request_operators_only_copy(apps, schema_editor):
    Offer = apps.get_model("matching", "Offer")
    HelpRequest = apps.get_model("helpdesk", "HelpRequest")
    flag = HelpRequest.objects.filter(pk=OuterRef("request_id")).values("operators_only")[:1]
    Offer.objects.update(request_operators_only=Subquery(flag))


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0007_operators_only"),
        ("matching", "0003_volunteer_box_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="request_operators_only",
            field=models.BooleanField(default=False, editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(request_operators_only_copy, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="offer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("request_operators_only", False),
                    models.Q(("status__in", ["pending", "accepted"]), _negated=True),
                    _connector="OR",
                ),
                name="offer_never_live_for_operators_only",
            ),
        ),
    ]
