"""Reports: the funnel, campaign attribution, source effectiveness, pipeline and team
performance.

Every report is a frozen record of typed rows that renders as a text table
(``to_text``), JSON-ready records (``to_records``), CSV (``to_csv``), a pandas DataFrame
(``to_dataframe``, with ``leadkit[pandas]``) and an HTML table in Jupyter; ``locale="ja"``
writes the headings in Japanese. Reports are pure functions of the records you pass in.

>>> from leadkit.reports import Table
>>> print(Table(("source", "leads"), [("展示会", 120), ("Web", 80)]).to_text())
source  leads
------  -----
展示会    120
Web        80
"""

from leadkit.reports._accounts import AccountRollupReport, AccountRollupRow, account_rollup
from leadkit.reports._allocate import SHARE_PLACES, allocate
from leadkit.reports._attribution import (
    MODELS,
    AttributionModel,
    AttributionReport,
    CampaignCredit,
    Credit,
    EvenSplit,
    FirstTouch,
    LastTouch,
    PositionBased,
    SourceCredit,
    TimeDecay,
    Touch,
    attribute,
    parse_attribution_model,
)
from leadkit.reports._email import EmailReport, EmailRow, email_rates
from leadkit.reports._funnel import (
    ConversionRate,
    FunnelPath,
    FunnelReport,
    FunnelRow,
    GroupBy,
    Velocity,
    funnel,
)
from leadkit.reports._performance import (
    OwnerRow,
    PipelineReport,
    PipelineRow,
    SourceReport,
    SourceRow,
    StageStep,
    StageTrail,
    TeamReport,
    pipeline,
    source_effectiveness,
    team_performance,
)
from leadkit.reports._plot import cjk_font, plot_funnel, plot_scores
from leadkit.reports._report import MissingExtraError, ReportMixin
from leadkit.reports._roi import RoiReport, RoiRow, campaign_roi
from leadkit.reports._sales import (
    ForecastRow,
    OverdueReport,
    OverdueRow,
    RejectionReport,
    RejectionRow,
    RepRow,
    SalesPipelineReport,
    overdue_tasks,
    rejections,
    sales_pipeline,
)
from leadkit.reports._sources import source_label, source_name
from leadkit.reports._table import Percent, Table, display_width, format_cell, format_money

__all__ = [
    "MODELS",
    "SHARE_PLACES",
    "AccountRollupReport",
    "AccountRollupRow",
    "AttributionModel",
    "AttributionReport",
    "CampaignCredit",
    "ConversionRate",
    "Credit",
    "EmailReport",
    "EmailRow",
    "EvenSplit",
    "FirstTouch",
    "ForecastRow",
    "FunnelPath",
    "FunnelReport",
    "FunnelRow",
    "GroupBy",
    "LastTouch",
    "MissingExtraError",
    "OverdueReport",
    "OverdueRow",
    "OwnerRow",
    "Percent",
    "PipelineReport",
    "PipelineRow",
    "PositionBased",
    "RejectionReport",
    "RejectionRow",
    "RepRow",
    "ReportMixin",
    "RoiReport",
    "RoiRow",
    "SalesPipelineReport",
    "SourceCredit",
    "SourceReport",
    "SourceRow",
    "StageStep",
    "StageTrail",
    "Table",
    "TeamReport",
    "TimeDecay",
    "Touch",
    "Velocity",
    "account_rollup",
    "allocate",
    "attribute",
    "campaign_roi",
    "cjk_font",
    "display_width",
    "email_rates",
    "format_cell",
    "format_money",
    "funnel",
    "overdue_tasks",
    "parse_attribution_model",
    "pipeline",
    "plot_funnel",
    "plot_scores",
    "rejections",
    "sales_pipeline",
    "source_effectiveness",
    "source_label",
    "source_name",
    "team_performance",
]
