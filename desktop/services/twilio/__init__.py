"""The Twilio edge: the gateway over the official SDK, its HTTP client, the error catalog."""
