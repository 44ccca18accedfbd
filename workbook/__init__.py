"""The register: its pure core, the use cases every front end calls (jobs), and its file formats (xlsx, export)."""
