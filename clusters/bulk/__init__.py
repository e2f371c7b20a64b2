"""Bulk set-up of a province by spreadsheet: units, clusters and blocks, a year's memberships,
accounts and roles. `layout` names the sheets and columns, `reader` reads an upload through the
hardened clusters.xlsx, `plan` gives every row its fate (new, changed, unchanged, error),
`apply` writes a plan without errors in one transaction, `export` writes the template and the
province as it is (export → import: every row unchanged)."""
