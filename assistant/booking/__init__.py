"""Booking: free times, holds enforced by the database, codes, change, cancel, check-in."""
