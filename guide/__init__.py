"""The user guide's generated parts (the troubleshooting page, the pictures): tooling, not shipped with riskreg."""
