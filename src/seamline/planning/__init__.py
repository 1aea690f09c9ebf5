"""Planning the floor: line balancing, a finite-capacity schedule across facilities, what-ifs and reorders."""
