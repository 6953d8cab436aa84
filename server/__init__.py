"""The production server: granian serving the project's WSGI application, `python -m server`.

- run.py: the main process; start-up in order, and the stop on SIGTERM.
- config.py: the settings, from the environment (`SERVER_*`, .env.example).
- overrides.py: what it changes inside granian, why, and the versions verified.
- draining.py: the drain before the stop, and the flag `/ready` reads.
- listeners.py: listening sockets that stop taking connections without resets.
- wsgi.py: what stands between granian and Django in each worker.
- bodies.py: request bodies read whole under a deadline.
- healthcheck.py: the container's probe, `python -m server.healthcheck`.
"""
