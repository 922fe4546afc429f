import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OPEN = ["new", "matching", "offered", "assigned", "escalated"]


def operators_only_set(apps, schema_editor):
    """Sensitive requests, and the open requests of residents with an open referral that no
    volunteer holds or has been offered (the rest are stopped by the offer and assignment
    guards at once, and get the flag when their resident's referrals are next in step)."""
    HelpRequest = apps.get_model("helpdesk", "HelpRequest")
    Offer = apps.get_model("matching", "Offer")
    HelpRequest.objects.filter(sensitive=True).update(operators_only=True)
    residents = HelpRequest.objects.filter(sensitive=True, status__in=OPEN).values("resident_id")
    live = Offer.objects.filter(status__in=["pending", "accepted"]).values("request_id")
    HelpRequest.objects.filter(
        resident_id__in=residents, status__in=OPEN, assigned_volunteer__isnull=True
    ).exclude(pk__in=live).update(operators_only=True)


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0006_helprequest_routed_to"),
        ("matching", "0003_volunteer_box_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="helprequest",
            name="converted_to",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="converted_from",
                to="helpdesk.helprequest",
            ),
        ),
        migrations.AddField(
            model_name="helprequest",
            name="operators_only",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(operators_only_set, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="helprequest",
            name="helprequest_sensitive_never_to_volunteer",
        ),
        migrations.AddConstraint(
            model_name="helprequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("assigned_volunteer__isnull", True),
                    models.Q(("operators_only", False), ("sensitive", False)),
                    _connector="OR",
                ),
                name="helprequest_sensitive_never_to_volunteer",
            ),
        ),
        migrations.AddConstraint(
            model_name="helprequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("sensitive", False), ("operators_only", True), _connector="OR"),
                name="helprequest_sensitive_is_operators_only",
            ),
        ),
    ]
