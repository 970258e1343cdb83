"""Fictional demo data for OK OCE Mart: invented businesses, founders and products."""
