"""The hub's domain: rooms, bookings, activities, services, registrations (issue 6)."""
