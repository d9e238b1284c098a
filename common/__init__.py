"""The ground floor: what every app shares and nothing of ours is imported by (no models, no app)."""
