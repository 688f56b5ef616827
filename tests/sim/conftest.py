import dataclasses

import pytest

from trigq.sim import RPCSimConfig
from trigq.sim.atlas_rpc.presets import preset_config


def make_config(
    *,
    noise=0.0,
    efficiency=1.0,
    clusters=(1.0, 0.0, 0.0),
    scattering=False,
    b_tesla=0.5,
    preset="legacy",
    **muons,
) -> RPCSimConfig:
    """A configurable config; defaults give an ideal detector (no noise, no scattering, 1 strip).

    Built on ``preset`` (default ``legacy``: eta in [0, 1], no energy loss or cavern background),
    the geometry these tests were written for.
    """
    base = preset_config(preset)
    return dataclasses.replace(
        base,
        toroid=dataclasses.replace(base.toroid, b_tesla=b_tesla),
        scattering=dataclasses.replace(base.scattering, enabled=scattering),
        response=dataclasses.replace(
            base.response, noise_per_strip=noise, efficiency=efficiency, cluster_size_probs=clusters
        ),
        muons=dataclasses.replace(base.muons, **muons),
    )


@pytest.fixture
def config_factory():
    """``make_config``: build a config for an ideal (or partly realistic) detector."""
    return make_config
