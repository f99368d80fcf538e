"""The shared vocabulary: entities, value rules and errors. Imports only the stdlib and dateutil."""
