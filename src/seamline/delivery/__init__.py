"""Local delivery: couriers and vehicles, route plans across the city, a courier's phone page with proof of
delivery, the customer's tracking page, and the last mile in the ledger."""
