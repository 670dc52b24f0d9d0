"""The package layout, the one thing pyproject.toml cannot say.

``resources/`` stays at the top of the repository (coordinators edit its letter texts) and
ships inside the package as ``buddy_desk._resources``: in the wheel as
``buddy_desk/_resources/…``, in an editable install (``make setup``) as a mapping to the
folder itself. ``buddy_desk.resources`` reads it with ``importlib.resources``. Everything
else — metadata, dependencies, which files count as package data — is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

RESOURCES = "buddy_desk._resources"

setup(
    package_dir={"": "src", RESOURCES: "resources"},
    packages=[
        *find_namespace_packages("src"),
        RESOURCES,
        # its folders too (i18n, letters.nl, …), or setuptools warns about data in
        # "packages" it was not told about; open-sans is no identifier and needs no entry
        *(
            f"{RESOURCES}.{name}"
            for name in find_namespace_packages("resources")
            if all(part.isidentifier() for part in name.split("."))
        ),
    ],
)
