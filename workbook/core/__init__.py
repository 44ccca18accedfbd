"""The pure core: schema, periods, values, model, rules, checks, trends and the results-sheet layout; no I/O."""
