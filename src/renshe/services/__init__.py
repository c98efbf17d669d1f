"""Service desk business logic (不见面办理): applications, review, public notice,
disbursement, claw-back, audit. Uses the store; knows nothing of HTTP."""
