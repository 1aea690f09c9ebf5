"""Carbon and water footprints: factor registry, units and the calculation engine (pure modules)."""
