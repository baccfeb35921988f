"""Qt widgets, Qt models and dialogs. Talks to services, never to Twilio or SQL."""
