"""The customer-care inbox: which posts are inbound messages and what to do with them.

Pure stage (no store, no SQL): ``match`` finds mentions of the company, ``triage`` classifies
them (category, urgency, sentiment, language, reasons), ``threads`` groups them into
conversations, ``sla`` runs the answer clocks, ``replies`` drafts answers within policy and
platform limits, ``incidents`` turns rising complaints into one card. The store tables, the
pipeline hook, the CLI and the dashboard sit on top of this API.
"""
