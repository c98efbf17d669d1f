"""The population (总体) an evaluation runs over: one table per entity and the
long tables of monthly facts, keyed by ``_u`` (the row of the entity).

A single case becomes a population of one row; a registry partition becomes a
population of many rows. Rules see the same columns either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from renshe.domain.size import classify_frame
from renshe.engine.calc import UNIT_KEY
from renshe.engine.case import FLAGS, Case

KEY = pl.UInt32

ENTERPRISE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    UNIT_KEY: KEY,
    "uscc": pl.String,
    "name": pl.String,
    "region": pl.String,
    "unit_type": pl.String,
    "industry": pl.String,
    "employees": pl.Float64,
    "revenue": pl.Float64,
    "assets": pl.Float64,
    "size_given": pl.String,
    "state_owned": pl.Boolean,
    "attrition_2019": pl.Int64,
    "profit_tax_change_2019": pl.Float64,
    "ui_contribution_months": pl.Int64,
    "eligible_new_hires_12m": pl.Int64,
    "work_injury_class": pl.Int64,
    "construction_project": pl.Boolean,
    "contract_value": pl.Float64,
    **{f"flag_{f}": pl.Boolean for f in FLAGS},
}
PERSON_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    UNIT_KEY: KEY,
    "id_number": pl.String,
    "region": pl.String,
    "work_years": pl.Float64,
    "groups": pl.List(pl.String),
    "days_direct_contact": pl.Int64,
    "days_other_frontline": pl.Int64,
}
AGENCY_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    UNIT_KEY: KEY, "uscc": pl.String, "region": pl.String,
}
LOAN_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    UNIT_KEY: KEY,
    "applicant": pl.String,
    "partners": pl.Int64,
    "region": pl.String,
    "size": pl.String,
    "employees": pl.Float64,
    "eligible_new_hires_12m": pl.Int64,
}
TABLE_SCHEMAS: dict[str, dict[str, pl.DataType | type[pl.DataType]]] = {
    "contributions": {UNIT_KEY: KEY, "month": pl.String, "insurance": pl.String,
                      "employer_due": pl.Float64, "employer_paid": pl.Float64},
    "insured": {UNIT_KEY: KEY, "month": pl.String, "headcount": pl.Int64},
    "si_additions": {UNIT_KEY: KEY, "month": pl.String, "count": pl.Int64},
    "quarterly_profit": {UNIT_KEY: KEY, "quarter": pl.String, "profit": pl.Float64},
    "placements": {UNIT_KEY: KEY, "enterprise_uscc": pl.String, "count": pl.Int64},
}


@dataclass
class Population:
    entities: dict[str, pl.DataFrame] = field(default_factory=dict)
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pl.DataFrame:
        return self.tables.get(name, pl.DataFrame(schema=TABLE_SCHEMAS[name]))


def with_classification(units: pl.DataFrame) -> pl.DataFrame:
    """Add ``size`` (given, else per 工信部联企业〔2011〕300号) and ``industry_class``."""
    classified = classify_frame(
        units.select(
            pl.col("industry"), pl.col("employees"), pl.col("revenue"), pl.col("assets"),
            pl.col("size_given").alias("size"),
        )
    )
    return units.with_columns(classified["size"].alias("size"), classified["industry_class"].alias("industry_class"))


def from_case(case: Case) -> Population:
    pop = Population()
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in TABLE_SCHEMAS}
    e = case.enterprise
    if e is not None:
        fin = e.finance
        pop.entities["enterprise"] = with_classification(pl.DataFrame([{
            UNIT_KEY: 0, "uscc": e.uscc, "name": e.name, "region": e.region, "unit_type": e.unit_type,
            "industry": e.industry, "employees": e.employees, "revenue": e.revenue, "assets": e.assets,
            "size_given": e.size, "state_owned": e.state_owned, "attrition_2019": e.attrition_2019,
            "profit_tax_change_2019": fin.profit_tax_change_2019 if fin else None,
            "ui_contribution_months": fin.ui_contribution_months if fin else None,
            "eligible_new_hires_12m": e.eligible_new_hires_12m, "work_injury_class": e.work_injury_class,
            "construction_project": e.construction_project, "contract_value": e.contract_value,
            **{f"flag_{f}": f in e.flags for f in FLAGS},
        }], schema=ENTERPRISE_SCHEMA))
        rows["contributions"] = [{UNIT_KEY: 0, **c.model_dump()} for c in e.contributions]
        rows["insured"] = [{UNIT_KEY: 0, "month": m, "headcount": n} for m, n in e.insured.items()]
        rows["si_additions"] = [{UNIT_KEY: 0, "month": m, "count": n} for m, n in e.si_additions.items()]
        if fin is not None:
            rows["quarterly_profit"] = [{UNIT_KEY: 0, "quarter": q, "profit": v} for q, v in fin.quarterly_profit.items()]
    p = case.person
    if p is not None:
        pop.entities["person"] = pl.DataFrame([{
            UNIT_KEY: 0, "id_number": p.id_number, "region": p.region, "work_years": p.work_years,
            "groups": list(p.groups),
            "days_direct_contact": p.days.direct_contact if p.days else None,
            "days_other_frontline": p.days.other_frontline if p.days else None,
        }], schema=PERSON_SCHEMA)
    a = case.agency
    if a is not None:
        pop.entities["agency"] = pl.DataFrame([{UNIT_KEY: 0, "uscc": a.uscc, "region": a.region}], schema=AGENCY_SCHEMA)
        rows["placements"] = [{UNIT_KEY: 0, **pl_.model_dump()} for pl_ in a.placements]
    loan = case.loan
    if loan is not None:
        by_enterprise = loan.applicant == "enterprise"
        units = pop.entities.get("enterprise")
        pop.entities["loan"] = pl.DataFrame([{
            UNIT_KEY: 0, "applicant": loan.applicant, "partners": loan.partners,
            "region": (e.region if by_enterprise and e else (p.region if p else None)),
            "size": units["size"][0] if by_enterprise and units is not None else None,
            "employees": e.employees if by_enterprise and e else None,
            "eligible_new_hires_12m": e.eligible_new_hires_12m if by_enterprise and e else None,
        }], schema=LOAN_SCHEMA)
    pop.tables = {name: pl.DataFrame(r, schema=TABLE_SCHEMAS[name]) for name, r in rows.items()}
    return pop
