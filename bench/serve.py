"""daphne as a production install runs it: without click.

Only the development tools install click (import-linter needs it). autobahn, daphne's websocket
library, colours the arguments of its debug messages with click when it can import it, and
computes them for every frame it sends even with debug logging off: about 35 µs a frame under
the profiler, a quarter of a delivery's cost. A production install (`pip install .`) has no
click, so the benchmarks' servers do without it too.

    python -m bench.serve -b 127.0.0.1 -p 8000 entrepairs.asgi:application
"""

import sys

sys.modules["click"] = None  # type: ignore[assignment]  # `import click` fails, as in production

from daphne.cli import CommandLineInterface  # noqa: E402 (after the line above, on purpose)

if __name__ == "__main__":
    CommandLineInterface.entrypoint()
