"""Yodify (B2B e-commerce): its business rules and fixture hooks live in ``rules.py``; every
CRUD-shaped operation is declared in ``spec/overlays/yodify.overlay.yaml``."""
