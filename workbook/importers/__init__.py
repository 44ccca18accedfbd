"""Import other organisations' register layouts: read a table, find its columns by meaning, plan the register."""
