"""Not code: this folder ships inside Buddy Desk as the package ``buddy_desk._resources``.

The file only makes the folder a package that ``importlib.resources`` can address in a wheel
and in an editable install alike (see ``setup.py`` and ``src/buddy_desk/resources.py``).
Coordinators: the letter texts are in ``letters/nl/``; see ``letters/README.md``.
"""
