"""Where a core's model comes from: the repository it lives in and the weights it was exported from."""

from __future__ import annotations

from pathlib import Path

from trigq.export.manifest import ExportManifest, Source
from trigq.ip.manifest import Checkpoint, ModelInfo, Weights
from trigq.layout import ProjectLayout, sha256_file


def repo_root(path: Path) -> Path | None:
    """The nearest ancestor of ``path`` holding ``.git`` (the repository the core lives in)."""
    for p in Path(path).resolve().parents:
        if (p / ".git").exists():
            return p
    return None


def source_in_repo(source: Source, out_dir: Path) -> str | None:
    """The export source (training run / QONNX file) relative to the repository root of
    ``out_dir`` when it lies in that repository (committed weights), else None."""
    root = repo_root(out_dir)
    if root is None or not source.path or source.kind not in ("run-dir", "qonnx-file"):
        return None
    try:
        return Path(source.path).resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def resolve_source(core: Path, model: ModelInfo) -> Path | None:
    """The export source of a core on this machine: ``source_in_repo`` in the core's repository,
    else the recorded path when it exists; None when neither is there."""
    root = repo_root(core)
    if model.source_in_repo and root is not None and (root / model.source_in_repo).exists():
        return root / model.source_in_repo
    if model.source.path and Path(model.source.path).is_absolute() and Path(model.source.path).exists():
        return Path(model.source.path)
    return None


def model_info(export: ExportManifest, project: Path, name: str | None, source_rel: str | None) -> ModelInfo:
    """The manifest's ``model`` entry; paths relative to the repository when the export source is
    committed there (``source_rel``), not paths of the packager's machine."""
    source = export.source
    model_name, checkpoint = name, None
    if source.kind == "run-dir" and source.path:
        import yaml

        from trigq.train.run_files import BEST, CONFIG

        run = Path(source.path)
        cfg_path = run / CONFIG
        if cfg_path.is_file():
            model_name = model_name or (yaml.safe_load(cfg_path.read_text()) or {}).get("model")
        best = run / BEST
        if best.is_file():
            checkpoint = Checkpoint(f"{source_rel}/{BEST}" if source_rel else str(best), sha256_file(best))
    model_name = model_name or project.name
    from trigq.models import MODEL_SPECS

    spec = MODEL_SPECS.get(model_name)
    prj = ProjectLayout(project)
    files = {f: sha256_file(prj.root / f) for f in (prj.QONNX, prj.QONNX_DATA) if (prj.root / f).is_file()}
    return ModelInfo(name=model_name, task=spec.task if spec else "unknown",
                     targets=list(spec.targets) if spec else None,
                     source=Source(source.kind, source_rel) if source_rel else source,
                     source_in_repo=source_rel, export_config=export.config,
                     weights=Weights(checkpoint, files))
