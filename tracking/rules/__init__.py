"""The rules the rest applies: the domain's vocabulary, the status rule, who may do what, units of
measure, how figures are written, reporting periods and the progress of a decomposed target."""
