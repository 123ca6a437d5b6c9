"""Stories across portals: articles that report the same story, their roles, and what drifted.

Pure functions, no database: `features` turns an article into a fingerprint and index keys,
`matching` decides whether two fingerprints report the same story, `drift` says what one
outlet's text has that another's lacks or changed, `roles` names each member's part.
`warehouse.stories` stores them and runs the incremental grouping during a pass.
"""
