"""The page: ``monoselect serve`` runs this FastAPI app on 127.0.0.1.

A front end like the command line: it builds Scenarios and Conditions through the public
API and shows a Result through ``to_dict()`` (the same JSON as ``--json``). Each page is one
module in ``pages/`` (its HTML route and its JSON API) and one template.
"""

from __future__ import annotations

from monoselect.web.app import Settings, create_app, serve

__all__ = ["Settings", "create_app", "serve"]
