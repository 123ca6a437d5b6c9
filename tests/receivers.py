"""The local alert receivers, re-exported for tests (they live in the package for the demo)."""
from beritawatch.testing.replica.receivers import JsonReceiver, Received, SmtpReceiver, free_port

__all__ = ["JsonReceiver", "Received", "SmtpReceiver", "free_port"]
