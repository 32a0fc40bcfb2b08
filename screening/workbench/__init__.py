"""The reviewer workbench: `screening serve`, a local web application over the results
database, the rule pack and the audit trail.

Modules: `service` (settings, database, rule pack), `store` (the append-only audit table),
`queue` (the screened cases, filtered), `upload` (screening a new case), `decisions`
(findings and case decisions, waivers), `rule_edit` (trying and saving a rule edit),
`security` (bind, token, CSRF, paths), `app` (the Starlette app and its middleware) and one
`pages_*` module per group of pages.
"""
