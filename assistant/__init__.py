"""Jobcenter Assistant: an offline, deterministic assistant for Danish jobcenters.

The package root is the conversation core. Channels live in :mod:`assistant.channels` and
import the core; the core never imports a channel.
"""

__version__ = "0.1.0"
