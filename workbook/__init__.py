"""The register workbook: schema, model, checks, trends and the Excel file adapter."""
