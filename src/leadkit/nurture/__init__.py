"""Nurture programs (シナリオメール, Engagement Studio): leads move on by themselves.

A :class:`Program` is data: named steps that send a message, notify the owner, add
points, set a field, change the stage, assign, add to or remove from a campaign, wait
(a time, or until a condition with a timeout) and branch on the condition language. The
engine is a pure function: :func:`advance` takes a lead's :class:`Enrolment` and its
events and gives the new enrolment and the :class:`Action` s due, each with its reason
and a deterministic id.
"""

from leadkit.nurture._codec import dump_program, load_program
from leadkit.nurture._engine import Action, Advance, Enrolment, Visit, advance, advance_many, enrol
from leadkit.nurture._next import NextAction, next_best_action
from leadkit.nurture._program import (
    ACTION_KINDS,
    AddPoints,
    AddToCampaign,
    Assign,
    Branch,
    ChangeStage,
    End,
    Notify,
    Program,
    RemoveFromCampaign,
    Send,
    SetField,
    Step,
    Wait,
)
from leadkit.nurture._simulate import ProgramReport, StepCount, simulate
from leadkit.nurture._stored import action_event, advance_stored, enrol_stored

__all__ = [
    "ACTION_KINDS",
    "Action",
    "AddPoints",
    "AddToCampaign",
    "Advance",
    "Assign",
    "Branch",
    "ChangeStage",
    "End",
    "Enrolment",
    "NextAction",
    "Notify",
    "Program",
    "ProgramReport",
    "RemoveFromCampaign",
    "Send",
    "SetField",
    "Step",
    "StepCount",
    "Visit",
    "Wait",
    "action_event",
    "advance",
    "advance_many",
    "advance_stored",
    "dump_program",
    "enrol",
    "enrol_stored",
    "load_program",
    "next_best_action",
    "simulate",
]
