"""Offers and matching for `/metrics`, read from the database at scrape time (see
config/metrics.py for why the database and not each process)."""

from datetime import timedelta

from django.db.models import Count, ExpressionWrapper, F, fields
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from matching.models import Offer

# Time to match: from a request's creation to the accept of its offer, over this window.
TIME_TO_MATCH_WINDOW = timedelta(days=1)
QUANTILES = (0.5, 0.9, 0.99)


def _times_to_match(*, since) -> list[float]:
    waited = ExpressionWrapper(
        F("responded_at") - F("request__created_at"), output_field=fields.DurationField()
    )
    return sorted(
        d.total_seconds()
        for d in Offer.objects.filter(
            status__in=[Offer.Status.ACCEPTED, Offer.Status.DONE], responded_at__gte=since
        )
        .annotate(waited=waited)
        .values_list("waited", flat=True)
        if d is not None
    )


class MatchingCollector:
    def collect(self):
        offers = GaugeMetricFamily(
            "samhjalp_offers",
            "Offers by outcome (pending, accepted, declined, ...).",
            labels=["status"],
        )
        for row in Offer.objects.values("status").annotate(n=Count("pk")):
            offers.add_metric([row["status"]], row["n"])
        yield offers

        waits = _times_to_match(since=timezone.now() - TIME_TO_MATCH_WINDOW)
        quantiles = GaugeMetricFamily(
            "samhjalp_time_to_match_seconds",
            "From a request's creation to its accepted offer, over the last day, by quantile.",
            labels=["quantile"],
        )
        for q in QUANTILES:
            value = waits[min(len(waits) - 1, int(q * len(waits)))] if waits else 0
            quantiles.add_metric([str(q)], value)
        yield quantiles
        yield GaugeMetricFamily(
            "samhjalp_matched_last_day", "Requests matched in the last day.", value=len(waits)
        )
