"""The next action for a rep (issue 19: "call now, follow up overdue task, hand to
nurture, ask for qualification", with its reason)."""

from __future__ import annotations

from datetime import timedelta

from leadkit.model import Event, Task
from leadkit.stages import MqlRule, Stage, StageHistory, StagePolicy, accept, transition
from leadkit.worklists import ResponseSla, next_action, rep_next_actions
from tests.worklists._support import AT, U2, done, lead, planned

POLICY = StagePolicy(mql=MqlRule(min_score=50), accept_within_hours=8)
NOW = AT + timedelta(days=2)


def inquiry(lead_id: str) -> StageHistory:
    return transition(StageHistory(lead_id), Stage.INQUIRY, at=AT, by="p")


def accepted(lead_id: str) -> StageHistory:
    history = transition(inquiry(lead_id), Stage.MQL, at=AT, by="p")
    return accept(history, at=AT + timedelta(hours=1), by="u-1")


def test_an_overdue_task_comes_first() -> None:
    action = next_action(
        lead("a"),
        accepted("a"),
        as_of=NOW,
        policy=POLICY,
        activities=[planned("a", due=1), done("a", AT)],
    )
    assert (action.kind, action.overdue) == ("follow_up", True)
    assert "call back" in action.reason


def test_an_unanswered_lead_past_its_sla_is_a_call_now() -> None:
    action = next_action(
        lead("a"), inquiry("a"), as_of=NOW, policy=POLICY, sla=ResponseSla(4), priority="A2"
    )
    assert (action.kind, action.overdue, action.due) == ("call", True, AT + timedelta(hours=4))
    assert action.reason.startswith("hot lead (A2)")


def test_a_planned_task_does_not_answer_the_lead() -> None:
    action = next_action(
        lead("a"),
        None,
        as_of=NOW,
        policy=POLICY,
        sla=ResponseSla(4),
        activities=[planned("a", due=5)],
    )
    assert action.kind == "call"


def test_answered_leads_follow_the_stage() -> None:
    """After a response the stage decides (nurture.next_best_action): an accepted lead
    is to be qualified, an Inquiry handed to nurture; a hot, never-called Inquiry is a
    call first."""
    answered = [done("a", AT + timedelta(hours=1))]
    sal = next_action(lead("a"), accepted("a"), as_of=NOW, policy=POLICY, activities=answered)
    assert sal.kind == "qualify"
    cold = next_action(lead("a"), inquiry("a"), as_of=NOW, policy=POLICY, activities=answered)
    assert (cold.kind, cold.program) == ("enrol", "welcome")
    hot = next_action(lead("a"), inquiry("a"), as_of=NOW, policy=POLICY, priority="B1")
    assert hot.kind == "call"
    closed = next_action(lead("a", status="Closed - Not Converted"), None, as_of=NOW, policy=POLICY)
    assert closed.kind == "none"


def test_a_reps_list_is_most_urgent_first_and_only_theirs() -> None:
    leads = [lead("a"), lead("b"), lead("c"), lead("d", owner=U2)]
    activities: list[Task | Event] = [
        planned("a", due=1),  # overdue follow-up
        done("b", AT + timedelta(hours=1)),  # answered SAL: qualify
    ]
    actions = rep_next_actions(
        leads,
        rep="u-1",
        as_of=NOW,
        policy=POLICY,
        histories={"b": accepted("b"), "c": inquiry("c")},
        activities=activities,
        sla=ResponseSla(4),
    )
    assert [(x.id, a.kind) for x, a in actions] == [
        ("a", "follow_up"),
        ("c", "call"),
        ("b", "qualify"),
    ]


def test_stored_next_actions_read_the_kept_facts() -> None:
    """Issue 19: the rep's next actions from what the store keeps (histories, the
    assignment time of the routing decision, the priority written by the stored
    classification) equal those built by hand from the same facts."""
    import attrs

    from leadkit.model import OwnerRef
    from leadkit.repository import InMemoryUnitOfWork
    from leadkit.routing import AssignmentRules, Router
    from leadkit.stages import classify, store_classification, store_move
    from leadkit.worklists import stored_next_actions

    router = Router(AssignmentRules([], default_owner=OwnerRef.user("u-1")))
    routed_at = AT + timedelta(days=1)
    sla = ResponseSla(4)
    with InMemoryUnitOfWork() as uow:
        for n, name in enumerate(("a", "b", "c")):
            item = lead(name, hours=n)
            uow.leads.add(item)
            decided = classify(item, score=80 if name != "c" else 10, policy=POLICY, as_of=AT)
            store_classification(uow, decided, priority="A1" if name == "a" else "C3")
        router.route_in(uow, uow.leads.get("b"), as_of=routed_at)
        store_move(uow, "a", accept, at=AT + timedelta(hours=5), by="u-1")
        uow.tasks.add(planned("c", due=0))
        uow.leads.add(attrs.evolve(lead("z"), owner=U2))  # another rep's lead
        stored = stored_next_actions(uow, rep="u-1", as_of=NOW, policy=POLICY, sla=sla)
        by_hand = rep_next_actions(
            [uow.leads.get(n) for n in ("a", "b", "c")],
            rep="u-1",
            as_of=NOW,
            policy=POLICY,
            histories={n: uow.stage_histories.get(n) for n in ("a", "b", "c")},
            activities=uow.tasks.by_lead("c"),
            sla=sla,
            assigned_at={"b": routed_at},
            priorities={"a": "A1", "b": "C3", "c": "C3"},
        )
    assert stored == by_hand
    assert {item.id for item, _ in stored} <= {"a", "b", "c"}
    reasons = {item.id: action for item, action in stored}
    assert reasons["b"].due == routed_at + timedelta(hours=4)  # from the kept assignment
