"""Test support shared by every test folder: small registers as grids, remote-engine payloads, the soffice fixture."""
