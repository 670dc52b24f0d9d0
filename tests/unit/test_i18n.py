from __future__ import annotations

import pytest

from buddy_desk.core.collaboration import GROUP_MEANINGS
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.dossiers.next_steps import next_img_step, next_ncg_step
from buddy_desk.i18n import catalog, set_language, tr


def test_dutch_and_english_have_the_same_keys() -> None:
    assert set(catalog("nl")) == set(catalog("en"))


def test_every_domain_key_has_a_text() -> None:
    keys = [m.key for m in GROUP_MEANINGS.values()]
    keys += [next_img_step(p).key for p in [*ImgPhase, None]]
    keys += [next_ncg_step(s).key for s in [*NcgStatus, None]]
    keys += [f"flag.{f.value}" for f in FlagKind] + [f"ncg.status.{s.value}" for s in NcgStatus]
    keys += [f"img.phase.{p.value}" for p in ImgPhase]
    missing = [k for k in keys if k not in catalog("nl")]
    assert missing == []


def test_language_switch() -> None:
    set_language("en")
    assert tr("process.NCG") == "Strengthening (NCG)"
    set_language("nl")
    assert tr("process.NCG") == "Versterking (NCG)"
    assert tr("group.label", group="B") == "Samenwerkingsgroep B"
    with pytest.raises(ValueError, match="unknown language"):
        set_language("de")


def test_a_thread_can_use_another_language_without_changing_the_ui() -> None:
    import threading

    from buddy_desk.i18n import in_language

    set_language("en")
    seen: list[str] = []

    def worker() -> None:
        with in_language("nl"):
            seen.append(tr("process.NCG"))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == ["Versterking (NCG)"]
    assert tr("process.NCG") == "Strengthening (NCG)"
    set_language("nl")
