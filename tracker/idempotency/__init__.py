"""Double-submit protection: one effect per idempotency key or one-time form token."""
