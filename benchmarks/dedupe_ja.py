"""名寄せ on Japanese B2B leads: precision, recall and F1 of the standard lead rule.

Run by hand::

    PYTHONPATH=src python benchmarks/dedupe_ja.py [--seed 13] [--show 0]

The data comes from ``benchmarks/_ja_data.py``, a seeded generator written independently
of ``leadkit.sample``: originals, copies carrying one or more variations (variant kanji,
katakana spellings, legal forms, branches, phone and e-mail forms, mobile only, a full
name in one field, romaji order, readings in another script, honorifics), and hard
negatives (similar given names, 同姓同名, companies one character apart, role
addresses, an initial between two colleagues). Leads go through ``find_duplicates`` with
``LEAD_RULE`` as a new user would call it; the pairs inside clusters are scored against
the known persons, overall and for the pairs touching a record of each variation or
negative. A record the model rejects (an address it cannot read) is kept without its
e-mail and counted.

Speed: ``--leads N`` (default 100,000; 0 skips it) times ``find_duplicates`` under
``LEAD_RULE`` on *N* leads from ``leadkit.sample`` (Japanese and English B2B leads, the
generator the million-lead figure of ``benchmarks/dedupe.py`` uses), once, in CPU time,
with the key caches cold as in a fresh process, and prints ``µs per lead at N leads``
and ``prepare us per lead: X`` (building the MatchIndex: every lead's keys, the part
that dominates).

The last line is ``ja f1: X.XXX``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import time
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

from _ja_data import NEGATIVES, VARIATIONS, generate

from leadkit.dedupe import LEAD_RULE, Duplicates, MatchIndex, find_duplicates
from leadkit.errors import LeadkitError
from leadkit.model import Lead, PersonName

Pair = frozenset[str]
CREATED = datetime(2026, 4, 1, tzinfo=UTC)


def to_leads(records: Iterable[dict[str, Any]]) -> tuple[list[Lead], int]:
    """The records as leads, and how many lost their e-mail because it was rejected."""
    leads, rejected = [], 0
    for record in records:
        fields = {
            "id": record["id"],
            "name": PersonName(
                record["family"],
                record["given"],
                family_kana=record["family_kana"],
                given_kana=record["given_kana"],
            ),
            "company": record["company"],
            "email": record["email"],
            "phone": record["phone"],
            "mobile": record["mobile"],
            "title": record["title"],
            "created_at": CREATED,
        }
        try:
            lead = Lead(**fields)
        except LeadkitError:
            rejected += 1
            lead = Lead(**{**fields, "email": None})
        leads.append(lead)
    return leads, rejected


def cluster_pairs(result: Duplicates) -> set[Pair]:
    pairs: set[Pair] = set()
    for cluster in result.clusters:
        pairs.update(frozenset(pair) for pair in combinations(cluster.ids, 2))
    return pairs


def true_pairs(records: list[dict[str, Any]]) -> set[Pair]:
    by_entity: dict[int, list[str]] = {}
    for record in records:
        by_entity.setdefault(record["entity"], []).append(record["id"])
    return {frozenset(p) for ids in by_entity.values() for p in combinations(ids, 2)}


def scores(found: set[Pair], truth: set[Pair]) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _mail(value: str | None) -> str | None:
    # The benchmark's own notion of "the same e-mail": NFKC, trimmed, lower-cased.
    return unicodedata.normalize("NFKC", value).strip().lower() if value else None


def speed(n_leads: int) -> None:
    """CPU time of find_duplicates per lead on *n_leads* generated leads (cold caches)."""
    try:
        sample = importlib.import_module("leadkit.sample")
    except ImportError:
        print(f"{n_leads:,} leads: leadkit.sample (the generator) is not available; skipped")
        return
    generator = sample.SampleGenerator(n_leads, events_per_lead=0)
    leads: list[Lead] = [lead for chunk in generator.chunks() for lead in chunk.leads]
    gc.collect()
    gc.disable()
    try:
        # find_duplicates is MatchIndex (preparing every lead's keys) then its clusters.
        start = time.process_time()
        index = MatchIndex(leads, LEAD_RULE)
        prepared = time.process_time() - start
        result = index.duplicates()
        cpu = time.process_time() - start
    finally:
        gc.enable()
    print(
        f"speed: {len(leads):,} leads from leadkit.sample, {cpu:.2f} s CPU,"
        f" {result.compared:,} pairs compared, {len(result.clusters):,} clusters"
    )
    print(f"µs per lead at {len(leads):,} leads: {cpu / len(leads) * 1e6:.1f}")
    print(f"prepare us per lead: {prepared / len(leads) * 1e6:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", type=int, default=0, help="print this many misses of each kind")
    parser.add_argument(
        "--leads", type=int, default=100_000, help="leads for the speed measure (0: skip)"
    )
    args = parser.parse_args()
    if args.leads:
        # First, while the key caches are cold, as in a fresh process.
        speed(args.leads)

    records = generate(args.seed)
    by_id = {record["id"]: record for record in records}
    leads, rejected = to_leads(records)
    truth = true_pairs(records)
    start = time.process_time()
    result = find_duplicates(leads, LEAD_RULE)
    seconds = time.process_time() - start
    found = cluster_pairs(result)
    print(
        f"{len(leads)} leads, {len(truth)} true pairs, {len(found)} found, "
        f"{len(result.clusters)} clusters; {rejected} e-mails rejected on input; "
        f"{seconds * 1000:.0f} ms CPU"
    )
    possible = getattr(result, "possible", ())
    if possible:
        true_possible = sum(1 for p in possible if frozenset((p.left, p.right)) in truth)
        print(
            f"  {len(possible)} pairs reported as possible duplicates, not merged"
            f" ({true_possible} of them true pairs)"
        )

    def line(label: str, found_part: set[Pair], truth_part: set[Pair]) -> None:
        precision, recall, f1 = scores(found_part, truth_part)
        print(
            f"  {label:<22} pairs {len(truth_part):>5}  found {len(found_part):>5}  "
            f"P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}"
        )

    line("overall", found, truth)
    print("per variation (pairs touching a record with it; alone / any):")
    for tag in VARIATIONS:
        tagged = {r["id"] for r in records if tag in r["tags"]}
        alone = {r["id"] for r in records if r["tags"] == (tag,)}
        line(f"{tag} (any)", touching(found, tagged), touching(truth, tagged))
        line(f"{tag} (alone)", touching(found, alone), touching(truth, alone))
    print("hard negatives (false pairs touching them):")
    for tag in NEGATIVES:
        tagged = {r["id"] for r in records if tag in r["tags"]}
        touching_found = {p for p in found if p & tagged}
        touching_truth = {p for p in truth if p & tagged}
        false = touching_found - truth
        print(
            f"  {tag:<22} records {len(tagged):>4}  false pairs {len(false):>4}  "
            f"true pairs found {len(touching_found & truth)}/{len(touching_truth)}"
        )
        for pair in sorted(false, key=sorted)[: args.show]:
            print("     FP", [_brief(by_id[i]) for i in sorted(pair)])

    no_mail = {
        p
        for p in truth
        if len({_mail(by_id[i]["email"]) for i in p} - {None}) != 1
        or any(by_id[i]["email"] is None for i in p)
    }
    share = len(found & no_mail) / len(no_mail) if no_mail else 1.0
    print(f"duplicates sharing no e-mail: {len(no_mail)} pairs, recall {share:.3f}")
    if args.show:
        missed: list[frozenset[str]] = sorted(truth - found, key=sorted)
        for pair in missed[: args.show]:
            print("     FN", [_brief(by_id[i]) for i in sorted(pair)])
        wrong: list[frozenset[str]] = sorted(found - truth, key=sorted)
        for pair in wrong[: args.show]:
            print("     FP", [_brief(by_id[i]) for i in sorted(pair)])
    print(f"ja f1: {scores(found, truth)[2]:.3f}")


def touching(pairs: set[frozenset[str]], ids: set[str]) -> set[frozenset[str]]:
    """The pairs with at least one record among *ids*."""
    return {p for p in pairs if p & ids}


def _brief(record: dict[str, Any]) -> str:
    kana = f"({record['family_kana']} {record['given_kana']})" if record["family_kana"] else ""
    return (
        f"{record['family']}|{record['given']}{kana}|{record['company']}|{record['email']}|"
        f"{record['phone']}|{record['mobile']}|{','.join(record['tags'])}"
    )


if __name__ == "__main__":
    main()
