"""The clause reader in stages: sentence -> clauses -> scope (negation, not-yet, condition) ->
field values from a table of rules (`table.RULES`); `contracts.drafts` turns its hits into
located proposals and a profile."""
