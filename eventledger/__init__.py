"""eventledger: narrative documents about international relations in, an event warehouse out."""

__version__ = "0.1.0"
