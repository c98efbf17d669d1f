"""Domain building blocks — 领域基础: identifiers, regions, industries, size, calendar.

Modules (import the one you need; this package imports nothing eagerly):

* :mod:`renshe.domain.identifiers` — 统一社会信用代码 / 公民身份号码 / 手机号码 checks;
* :mod:`renshe.domain.regions` — 行政区划代码 (GB/T 2260) and jurisdictions;
* :mod:`renshe.domain.industries` — 国民经济行业分类 (GB/T 4754-2017) codes;
* :mod:`renshe.domain.size` — 企业划型 per 工信部联企业〔2011〕300号;
* :mod:`renshe.domain.calendar` — 工作日 calendar 2020–2026 (放假调休).

Every number these rules use lives in ``data/*.yaml`` with its reference.
"""
