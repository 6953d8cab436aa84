"""The production server: granian started with the project's listeners, drain and probes."""
