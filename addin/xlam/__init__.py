"""Building and installing riskreg.xlam without Excel: the ribbon and VBA project patched into xlwings' template."""
