"""The Excel ribbon at run time: the button dispatcher, its entry points and the live workbook adapter."""
