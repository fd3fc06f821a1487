"""``python -m sandbox --port 8765``: the sandbox in the foreground until Ctrl+C."""

from sandbox.server import main

main()
