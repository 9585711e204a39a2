"""Generator families by name: what differs between SANA-Sprint and PixArt-α-DMD bundles (generator_family.py),
chosen by BundleConfig.family. Everything downstream (graphs, verifiers, manifest I/O, the backend) is shared."""

from __future__ import annotations

from .bundle_config import BundleConfig
from .generator_family import GeneratorFamily
from .pixart_family import PIXART_DMD
from .sana_family import SANA_SPRINT

_FAMILIES = {family.name: family for family in (SANA_SPRINT, PIXART_DMD)}
FAMILY_NAMES = tuple(_FAMILIES)


def family_of(cfg: BundleConfig) -> GeneratorFamily:
    if cfg.family not in _FAMILIES:
        raise ValueError(f"unknown generator family {cfg.family!r}; choose one of {', '.join(FAMILY_NAMES)}")
    return _FAMILIES[cfg.family]
