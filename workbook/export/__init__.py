"""The tab-separated export registers come in (HTML cells), and the bundled sample in that format."""
