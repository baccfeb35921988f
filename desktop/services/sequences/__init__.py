"""Sequences: building one from a draft, its lifecycle, compliance, forecast and resend."""
