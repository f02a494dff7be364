"""Deduplication: accuracy and speed on FEBRL, and find_duplicates on a million leads.

Run by hand (needs the ``bench`` extra: recordlinkage, which brings pandas)::

    PYTHONPATH=src python benchmarks/dedupe.py            # FEBRL + 1,000,000 leads
    PYTHONPATH=src python benchmarks/dedupe.py --leads 0  # FEBRL only

FEBRL data sets ship with recordlinkage: synthetic Australian person records with known
duplicates. febrl1 (1,000 records, 500 true pairs), febrl2 (5,000 records, 1,934 true
pairs) and febrl3 (5,000 records, 6,538 true pairs) are deduplicated, scored on the pairs
inside clusters; febrl4 is linked (5,000 + 5,000 records, 5,000 true links: an index of
the first half, ``match_one`` for each record of the second). Their fields are mapped onto
leads; one matching rule serves both. recordlinkage's standard pipeline (its documented
example: block on given name; exact given name, date of birth, suburb and state;
Jaro-Winkler surname and address; a match when more than 3 agree) runs in the same
process, as does the same pipeline with a union of blocks for a fairer recall, and
recordlinkage's unsupervised ECM classifier (Fellegi-Sunter by expectation-maximisation)
on binary agreements of every field, the same union of blocks. Each data set ends with
``<name> f1: X.XXXX`` for leadkit.

The million-lead part uses the sample generator (``leadkit.sample``) when it is
installed: time and peak memory of ``find_duplicates`` under the default lead rule, and
recall of the generator's deliberate duplicates by kind of variation.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import attrs
from _timing import best_of

from leadkit.dedupe import (
    LEAD_RULE,
    Block,
    DateMatch,
    Duplicates,
    ExactMatch,
    FuzzyMatch,
    MatchIndex,
    MatchingRule,
    NameMatch,
    find_duplicates,
    match_one,
)
from leadkit.model import Address, CustomFields, Lead, PersonName

Pair = frozenset[str]

# Each field adds its weight when it agrees (scaled by the similarity) and loses its penalty
# when both records have it and it disagrees; identifiers weigh most, the state least.
FEBRL_RULE = MatchingRule(
    "FEBRL persons",
    [
        NameMatch(part="given", threshold=0.85, weight=2, penalty=1),
        NameMatch(part="family", threshold=0.85, weight=2, penalty=1),
        DateMatch("custom.date_of_birth", threshold=0.85, weight=3, penalty=2),
        FuzzyMatch("custom.soc_sec_id", metric="levenshtein", threshold=0.85, weight=3, penalty=2),
        FuzzyMatch("address.street", threshold=0.85, weight=1, penalty=0.5),
        ExactMatch("custom.street_number", weight=0.5),
        FuzzyMatch("custom.address_2", threshold=0.85, weight=0.5),
        FuzzyMatch("address.city", threshold=0.85, weight=1, penalty=0.5),
        FuzzyMatch(
            "address.postal_code", metric="levenshtein", threshold=0.75, weight=1, penalty=0.5
        ),
        ExactMatch("address.state", weight=0.5),
    ],
    threshold=3.0,
    # Candidates share an identifier, or two of: given name, family name, postcode.
    blocking=[
        Block("custom.soc_sec_id"),
        Block("custom.date_of_birth"),
        Block("given", "family"),
        Block("given", "address.postal_code"),
        Block("family", "address.postal_code"),
    ],
)
CREATED = datetime(2026, 4, 1, tzinfo=UTC)


# -- FEBRL --------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip() or None


def febrl_leads(frame: Any) -> list[Lead]:
    """FEBRL rows as leads: names, address, and the rest as custom fields.

    FEBRL people have no company; as in a B2C CRM they are entered as "個人" (individual).
    A missing surname becomes "-", which matching reads as blank.
    """
    leads = []
    for rec_id, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        leads.append(
            Lead(
                id=rec_id,
                name=PersonName(_text(row.surname) or "-", _text(row.given_name)),
                company="個人",
                address=Address(
                    country="AU",
                    state=_text(row.state),
                    city=_text(row.suburb),
                    street=_text(row.address_1),
                    postal_code=_text(row.postcode),
                ),
                custom=CustomFields(
                    {
                        "date_of_birth": _text(row.date_of_birth),
                        "soc_sec_id": _text(row.soc_sec_id),
                        "street_number": _text(row.street_number),
                        "address_2": _text(row.address_2),
                    }
                ),
                created_at=CREATED,
            )
        )
    return leads


def cluster_pairs(result: Duplicates) -> set[Pair]:
    """Every pair of records inside a cluster (what deduplication claims)."""
    pairs: set[Pair] = set()
    for cluster in result:
        ids = cluster.ids
        pairs.update(frozenset((a, b)) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return pairs


def scores(found: set[Pair], truth: set[Pair]) -> tuple[float, float, float]:
    """Precision, recall and F1 of *found* against *truth*."""
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def report(label: str, found: set[Pair], truth: set[Pair], seconds: float) -> None:
    precision, recall, f1 = scores(found, truth)
    print(
        f"  {label:<44} P {precision:.4f}  R {recall:.4f}  F1 {f1:.4f}"
        f"  {seconds * 1000:8.1f} ms  ({len(found)} pairs)"
    )


def recordlinkage_pipeline(blocks: Iterable[str]) -> Callable[..., set[Pair]]:
    """recordlinkage's documented example, blocking on the union of *blocks*."""
    import recordlinkage

    on = list(blocks)

    def run(*frames: Any) -> set[Pair]:
        indexer = recordlinkage.Index()
        for column in on:
            indexer.block(column)
        candidates = indexer.index(*frames)
        compare = recordlinkage.Compare()
        compare.exact("given_name", "given_name", label="given_name")
        compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
        compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
        compare.exact("suburb", "suburb", label="suburb")
        compare.exact("state", "state", label="state")
        compare.string("address_1", "address_1", threshold=0.85, label="address_1")
        features = compare.compute(candidates, *frames)
        matches = features[features.sum(axis=1) > 3].index
        return {frozenset(pair) for pair in matches}

    return run


def recordlinkage_ecm(blocks: Iterable[str]) -> Callable[..., set[Pair]]:
    """recordlinkage's unsupervised ECM classifier (Fellegi-Sunter weights learnt by
    expectation-maximisation) on binary agreements of every field, blocking on the union
    of *blocks*: no labels, no threshold picked by hand."""
    import recordlinkage

    on = list(blocks)

    def run(*frames: Any) -> set[Pair]:
        indexer = recordlinkage.Index()
        for column in on:
            indexer.block(column)
        candidates = indexer.index(*frames)
        compare = recordlinkage.Compare()
        compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
        compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
        compare.exact("date_of_birth", "date_of_birth")
        compare.exact("soc_sec_id", "soc_sec_id")
        compare.string("address_1", "address_1", threshold=0.85)
        compare.exact("street_number", "street_number")
        compare.exact("suburb", "suburb")
        compare.exact("postcode", "postcode")
        compare.exact("state", "state")
        features = compare.compute(candidates, *frames)
        matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
        return {frozenset(pair) for pair in matches}

    return run


STANDARD = ("given_name",)
UNION = ("given_name", "surname", "date_of_birth", "soc_sec_id")


def febrl(repeat: int) -> None:
    try:
        from recordlinkage.datasets import (
            load_febrl1,
            load_febrl2,
            load_febrl3,
            load_febrl4,
        )
    except ImportError:
        print("FEBRL: recordlinkage is not installed (pip install 'leadkit[bench]'); skipped")
        return

    for name, load in (("febrl1", load_febrl1), ("febrl2", load_febrl2), ("febrl3", load_febrl3)):
        frame, links = load(return_links=True)
        truth = {frozenset(pair) for pair in links}
        leads, mapping = best_of(1, lambda f=frame: febrl_leads(f))  # type: ignore[misc]
        print(f"{name}: deduplicate {len(leads)} records, {len(truth)} true pairs")
        print(f"  (mapping the rows onto leads: {mapping * 1000:.0f} ms, not counted below)")
        result, ours = best_of(
            repeat,
            lambda ls=leads: find_duplicates(ls, FEBRL_RULE, max_block_size=None),  # type: ignore[misc]
        )
        found = cluster_pairs(result)
        report("leadkit find_duplicates (cluster pairs)", found, truth, ours)
        direct = {frozenset((p.left, p.right)) for p in result.pairs}
        report("  of which pairs matched directly", direct, truth, ours)
        baselines = [
            ("recordlinkage standard", recordlinkage_pipeline(STANDARD)),
            ("recordlinkage union blocks", recordlinkage_pipeline(UNION)),
            ("recordlinkage ECM, union blocks", recordlinkage_ecm(UNION)),
        ]
        for label, pipeline in baselines:
            theirs_found, theirs = best_of(repeat, lambda p=pipeline, f=frame: p(f))  # type: ignore[misc]
            report(label, theirs_found, truth, theirs)
            print(f"    leadkit time / {label}: {ours / theirs:.2f}")
        print(f"{name} f1: {scores(found, truth)[2]:.4f}")
        if name == "febrl3":
            sweep(leads, truth)

    left, right, links4 = load_febrl4(return_links=True)
    truth4 = {frozenset(pair) for pair in links4}
    left_leads, right_leads = febrl_leads(left), febrl_leads(right)
    print(f"febrl4: link {len(left_leads)} + {len(right_leads)} records, {len(truth4)} true links")

    def link() -> set[Pair]:
        index = MatchIndex(left_leads, FEBRL_RULE)
        return {frozenset((m.left, m.right)) for r in right_leads for m in match_one(r, index)}

    found4, ours4 = best_of(repeat, link)
    report("leadkit MatchIndex + match_one", found4, truth4, ours4)
    baselines4 = [
        ("recordlinkage standard", recordlinkage_pipeline(STANDARD)),
        ("recordlinkage union blocks", recordlinkage_pipeline(UNION)),
        ("recordlinkage ECM, union blocks", recordlinkage_ecm(UNION)),
    ]
    for label, pipeline in baselines4:
        found, theirs = best_of(repeat, lambda p=pipeline: p(left, right))  # type: ignore[misc]
        report(label, found, truth4, theirs)
        print(f"    leadkit time / {label}: {ours4 / theirs:.2f}")
    print(f"febrl4 f1: {scores(found4, truth4)[2]:.4f}")


def sweep(leads: list[Lead], truth: set[Pair]) -> None:
    """F1 on febrl3 as the score threshold moves: a flat curve means no lucky tuning."""
    cells = []
    for threshold in (1.0, 2.0, 3.0, 4.0, 5.0, 6.0):
        rule = attrs.evolve(FEBRL_RULE, threshold=threshold)
        found = cluster_pairs(find_duplicates(leads, rule, max_block_size=None))
        cells.append(f"{threshold:g}: {scores(found, truth)[2]:.4f}")
    print("  leadkit F1 by score threshold  " + "  ".join(cells))


# -- a million generated leads ------------------------------------------------------------------


def _rss_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    # Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) of this process.
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def million(n_leads: int) -> None:
    try:
        # Written in parallel with this benchmark; imported by name so that the script
        # still type-checks and runs (skipping this part) where it is absent.
        sample = importlib.import_module("leadkit.sample")
    except ImportError:
        print(f"{n_leads:,} leads: leadkit.sample (the generator) is not available; skipped")
        return

    # Engagement events play no part in matching; generating none keeps this part quick.
    generator = sample.SampleGenerator(n_leads, events_per_lead=0)
    start = time.perf_counter()
    leads: list[Lead] = []
    groups: list[Any] = []
    for chunk in generator.chunks():
        leads.extend(chunk.leads)
        groups.extend(chunk.duplicates)
    generated = time.perf_counter() - start
    print(f"{len(leads):,} generated leads ({generated:.0f} s to generate), default lead rule")

    gc.collect()
    before = _rss_kib("VmRSS")
    exact_peak = _reset_peak()
    gc.disable()
    start, cpu = time.perf_counter(), time.process_time()
    result = find_duplicates(leads, LEAD_RULE)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.enable()
    peak = _rss_kib("VmHWM")
    print(
        f"  find_duplicates: {seconds:.1f} s wall, {cpu:.1f} s CPU"
        f" ({cpu / len(leads) * 1e6:.1f} µs of CPU per lead),"
        f" {result.compared:,} pairs compared, {len(result):,} clusters,"
        f" {len(result.skipped_blocks)} blocks skipped"
    )
    if before is not None and peak is not None:
        what = "peak" if exact_peak else "peak (process lifetime)"
        print(
            f"  memory: RSS {before / 1024:,.0f} MiB with the leads loaded;"
            f" {what} {peak / 1024:,.0f} MiB during find_duplicates"
            f" (+{(peak - before) / 1024:,.0f} MiB)"
        )
    recall_by_variation(result, groups)


def recall_by_variation(result: Duplicates, groups: list[Any]) -> None:
    """How many deliberate duplicates landed in their original's cluster, by variation."""
    cluster_of = {rid: number for number, c in enumerate(result) for rid in c.ids}
    truth: set[Pair] = set()
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for group in groups:
        if group.original_is_contact:
            continue  # a lead copying a contact: that is the lead-to-contact rule's job
        members = [group.original_id, *(copy.lead_id for copy in group.copies)]
        truth.update(frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :])
        for copy in group.copies:
            for variation in copy.variations:
                total[variation] += 1
                same = cluster_of.get(copy.lead_id)
                found[variation] += same is not None and same == cluster_of.get(group.original_id)
    precision, recall, f1 = scores(cluster_pairs(result), truth)
    print(
        f"  against the generator's deliberate duplicates: P {precision:.4f}  R {recall:.4f}"
        f"  F1 {f1:.4f}"
    )
    print(
        "  recall by variation: "
        + ", ".join(f"{v} {found[v] / total[v]:.3f}" for v in sorted(total))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000, help="generated leads (0: skip)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (best is kept)")
    arguments = parser.parse_args()
    febrl(arguments.repeat)
    if arguments.leads:
        million(arguments.leads)


if __name__ == "__main__":
    main()
