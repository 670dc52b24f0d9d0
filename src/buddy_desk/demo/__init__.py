"""Synthetic, plausible demo data (Qt-free).

``generator.generate(engine, seed=, scale=, replace=, progress=)`` fills a database at the
seed documents' scale (``scale=1.0``: 26,800 NCG addresses plus damage-only IMG addresses).
Features that add their own demo data put a module in ``buddy_desk/demo/extras/`` (see that
package's docstring for the contract); ``context.DemoContext`` is what they receive.
"""
