"""The ground floor: errors, validation, problem details, pagination, panels, hooks, the task worker."""
