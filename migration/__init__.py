"""Switching a provider: taxonomy mapping and the switching-cost model.

The app, the CLI and the report builder call these; each result has `.to_payload()` giving the
command's JSON exactly.
"""

from migration.scenario import Scenario, parameter_catalogue, section_help
from migration.scenario_io import (
    load_scenario,
    load_taxonomy_items,
    scenario_from_dict,
    scenario_to_dict,
    write_scenario_xlsx,
)
from migration.switching import SwitchingCostResult, switching_cost
from migration.taxonomy import (
    TaxonomyResult,
    analyse_taxonomy,
    analyse_taxonomy_files,
    mapping_artifact,
    verify_artifact,
    write_artifact,
)

__all__ = [
    "Scenario",
    "SwitchingCostResult",
    "TaxonomyResult",
    "analyse_taxonomy",
    "analyse_taxonomy_files",
    "load_scenario",
    "load_taxonomy_items",
    "mapping_artifact",
    "parameter_catalogue",
    "scenario_from_dict",
    "scenario_to_dict",
    "section_help",
    "switching_cost",
    "verify_artifact",
    "write_artifact",
    "write_scenario_xlsx",
]
