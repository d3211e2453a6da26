"""Business rules, one small module per partner; everything generic lives in the engine."""
