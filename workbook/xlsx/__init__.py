"""The register workbook file: read it (python-calamine), build it and write into it (openpyxl)."""
