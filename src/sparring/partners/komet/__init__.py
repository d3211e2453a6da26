"""Komet Sales (flower wholesale ERP): the Customer-token methods. Rules in ``rules.py``; the
catalog, documents, web-order flow and invoice PDF each in their own module, fixture hooks in
``seed.py``."""
