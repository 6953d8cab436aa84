"""`python -m server`: the production server, as `make serve` and the Docker image start it (server/run.py)."""

from server.run import main

if __name__ == "__main__":
    main()
