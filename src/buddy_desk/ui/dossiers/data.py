"""The one place the dossier view gets its data from.

Keep it a single function: the consent feature wraps this call site to redact the other
organisation's details when the resident has not consented to sharing.
"""

from __future__ import annotations

from dataclasses import replace

from buddy_desk.attachments.service import timeline_events
from buddy_desk.choices.service.consent import view_dossier
from buddy_desk.core.summaries import DossierDetail
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.decisions import Decisions, load_decisions


def load_dossier_for_view(ctx: AppContext, dossier_id: int) -> DossierDetail:
    """The dossier as the current user may see it; raises NotFoundError for an unknown id.

    The consent gate (``services.consent.view_dossier``) withholds the other organisation's
    details without the resident's consent and logs every view of them; the result is a
    ``GatedDossier`` whose ``withheld`` names what was withheld.
    """
    viewer = viewer_of(ctx.user)
    gated = view_dossier(ctx.new_uow(), dossier_id, viewer)
    # the documents the viewer may see join the timeline (their own consent rule, per category)
    documents = timeline_events(ctx.new_uow(), dossier_id, viewer)
    if not documents:
        return gated
    events = sorted((*gated.events, *documents), key=lambda e: e.occurred_at, reverse=True)
    return replace(gated, events=tuple(events))


def load_view(ctx: AppContext, dossier_id: int) -> tuple[DossierDetail, Decisions]:
    """All a dossier tab shows when it opens, read in one go (on a worker: ``MainWindow.
    request_dossier``); raises NotFoundError for an unknown id."""
    return load_dossier_for_view(ctx, dossier_id), load_decisions(ctx, dossier_id)
