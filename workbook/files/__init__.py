"""Files, safely: the one guard of Office packages, atomic writes and backups; used by every writer."""
