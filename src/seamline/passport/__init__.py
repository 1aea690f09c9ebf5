"""Digital Product Passport engines: UNTP DPP credentials, VC-JOSE-COSE signing, status lists (no Django)."""
