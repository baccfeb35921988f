"""What every service needs: context (database, settings, clock), errors, settings, secrets."""
