"""The sending engine: dispatcher, poller, sweeper on APScheduler, and the worker around it."""
