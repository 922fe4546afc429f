"""Median and 90th percentile of time to match for every grouping of the needs report, by
the nearest-rank method: the value at rank ceil(p * n) of the sorted times. numpy sorts
each grouping once, which is faster than window functions per grouping (bench/reports.py)."""

import numpy as np

RISK_FLAGS = ("is_70_plus", "lives_alone", "chronic_illness", "no_internet")


def _nearest_rank(keys: np.ndarray, secs: np.ndarray) -> dict:
    """{key: (median, 90th percentile)} of `secs` per key, by nearest rank: the value at rank
    ceil(p * n) of the sorted times. One sort per grouping."""
    if not len(keys):
        return {}
    order = np.lexsort((secs, keys))
    keys, secs = keys[order], secs[order]
    # Already sorted by key: the groups start where the key changes.
    start = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
    count = np.diff(np.append(start, len(keys)))
    unique = keys[start]
    p50 = secs[start + (count + 1) // 2 - 1]
    p90 = secs[start + (9 * count + 9) // 10 - 1]
    return {key.item(): (float(a), float(b)) for key, a, b in zip(unique, p50, p90, strict=True)}


def percentiles_grouped(rows: list[tuple]) -> dict[tuple, tuple[float, float]]:
    """Percentiles of time to match for every grouping, from the matched requests' rows
    (district, kind, language, channel, *risk flags, secs)."""
    if not rows:
        return {}
    n = len(rows)
    columns = list(zip(*rows, strict=True))
    district = np.fromiter(columns[0], dtype=np.int64, count=n)
    # Text columns become small integer codes; `labels` turns a code back into its text.
    labels, codes = np.unique(np.array(columns[1:4], dtype=str), return_inverse=True)
    kind, language, channel = codes.reshape(3, n)
    label = labels.tolist()
    flags = [np.fromiter(col, dtype=bool, count=n) for col in columns[4 : 4 + len(RISK_FLAGS)]]
    secs = np.fromiter(columns[-1], dtype=float, count=n)
    result: dict[tuple, tuple[float, float]] = {}

    def add(dim: str, keys: np.ndarray, mask=None, name=lambda k: (str(k), "")) -> None:
        chosen = (keys, secs) if mask is None else (keys[mask], secs[mask])
        for key, value in _nearest_rank(*chosen).items():
            result[(dim, *name(key))] = value

    add("cell", district * 1000 + kind, name=lambda k: (str(k // 1000), label[k % 1000]))
    add("district", district)
    add("kind", kind, name=lambda k: (label[k], ""))
    add("total", np.zeros(len(secs), dtype=np.int64), name=lambda k: ("", ""))
    add("language", language, name=lambda k: (label[k], ""))
    add("channel", channel, name=lambda k: (label[k], ""))
    zeros = np.zeros(len(secs), dtype=np.int64)
    for flag, mask in zip(RISK_FLAGS, flags, strict=True):
        add("risk", zeros, mask, name=lambda k, flag=flag: (flag, ""))
    add("risk", zeros, ~np.logical_or.reduce(flags), name=lambda k: ("none", ""))
    return result
